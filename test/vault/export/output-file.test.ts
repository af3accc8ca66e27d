/**
 * An export killed before renaming its temp file leaves `<name>.partial-<pid>` in the export
 * folder; the next export into that folder removes it (the crash campaign, crash/run.ts, found
 * them kept for ever). A live process's temp files are left alone: it may be exporting there now.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { THREAD_MESSAGES } from '../../helpers/export-fixture.js';
import { tempDir } from '../../helpers/temp.js';

describe('export temp files of a killed export', () => {
  it('are removed by the next export into the folder; those of a live process are kept', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    expect(cli(['--vault', vault, 'import', THREAD_MESSAGES]).code).toBe(0);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    // The id of a process that has ended.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(dead).toBeGreaterThan(0);
    const deadFile = path.join(out, `sms-20260101000000-1.xml.partial-${String(dead)}`);
    const deadSite = path.join(out, `textvault-html.partial-${String(dead)}`);
    const liveFile = path.join(out, `sms-20260101000000-2.xml.partial-${String(process.pid)}`);
    fs.writeFileSync(deadFile, '<smses>');
    fs.mkdirSync(deadSite);
    fs.writeFileSync(path.join(deadSite, 'index.html'), '<html>');
    fs.writeFileSync(liveFile, '<smses>');

    const r = cli(['--vault', vault, 'export', '--format', 'sbr', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.existsSync(deadFile)).toBe(false);
    expect(fs.existsSync(deadSite)).toBe(false);
    expect(fs.existsSync(liveFile)).toBe(true);
    expect(fs.readdirSync(out).filter((n) => n.endsWith('.xml')).length).toBeGreaterThan(0);
  });
});
