/**
 * Names and texts from a backup cannot drive the terminal (issue 29, item 8): a contact named
 * `ESC[2J` (clear screen) or carrying an OSC title sequence, and a backup file whose name holds
 * one, are printed by the real CLI as inert `\u001b` escapes, and --json stays exact.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { THREAD_MESSAGES } from '../helpers/export-fixture.js';
import { tempDir } from '../helpers/temp.js';

const CLEAR = '\u001b[2J\u001b[H';
const TITLE = '\u001b]0;pwned\u0007';
const C1_CSI = '\u009b31m';
const HOSTILE = `Борис${CLEAR}${TITLE}${C1_CSI}`;
/** A raw escape, BEL or 8-bit CSI: what must never reach the terminal. */
const rawControl = (text: string): boolean => ['\u001b', '\u0007', '\u009b'].some((c) => text.includes(c));

describe('CLI output from hostile backups', () => {
  it('escapes control characters of contact names and file names in stats, backups and errors', () => {
    const dir = tempDir();
    // A backup whose contact name carries terminal escapes: NDJSON (JSON strings may hold them).
    expect(cli(['--vault', path.join(dir, 'a'), 'import', THREAD_MESSAGES]).code).toBe(0);
    expect(cli(['--vault', path.join(dir, 'a'), 'export', '--format', 'ndjson', '--types', 'sms', '--out', path.join(dir, 'nd')]).code).toBe(0);
    const ndjson = fs.readFileSync(path.join(dir, 'nd', 'textvault.ndjson'), 'utf8').replaceAll('"Борис"', JSON.stringify(HOSTILE));
    expect(ndjson).toContain('\\u001b[2J');
    const hostileFile = path.join(dir, `evil${CLEAR}.ndjson`);
    fs.writeFileSync(hostileFile, ndjson);
    const vault = path.join(dir, 'b');

    const imported = cli(['--vault', vault, 'import', hostileFile]);
    expect(imported.code).toBe(0);
    expect(rawControl(imported.stdout)).toBe(false);
    expect(imported.stdout).toContain('evil\\u001b[2J\\u001b[H.ndjson');

    const stats = cli(['--vault', vault, 'stats']);
    expect(stats.code).toBe(0);
    expect(rawControl(stats.stdout)).toBe(false);
    expect(stats.stdout).toContain('Борис\\u001b[2J\\u001b[H\\u001b]0;pwned\\u0007\\u009b31m');

    const backups = cli(['--vault', vault, 'backups']);
    expect(rawControl(backups.stdout)).toBe(false);
    expect(backups.stdout).toContain('evil\\u001b[2J');

    // --json is still exact: the escapes are JSON's own, so parsing gives the name back.
    const json = cli(['--vault', vault, 'stats', '--json']);
    expect(rawControl(json.stdout)).toBe(false);
    const parsed = JSON.parse(json.stdout) as { topContacts: { name: string | null }[] };
    expect(parsed.topContacts.map((c) => c.name)).toContain(HOSTILE);

    // An error that quotes the file name, on standard error.
    const broken = path.join(dir, `broken${TITLE}.xml`);
    fs.writeFileSync(broken, '<?xml version="1.0"?><smses count="1"><sms address="1" date="x"');
    const failed = cli(['--vault', vault, 'import', broken]);
    expect(failed.code).toBe(1);
    expect(rawControl(failed.stderr)).toBe(false);
    expect(failed.stderr).toContain('\\u001b]0;pwned\\u0007');
  });
});
