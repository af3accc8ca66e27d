/**
 * What a person sees on a terminal (issue 26 item 8), the built CLI run on a pseudo-terminal by
 * util-linux `script`: small files import without a progress bar or an ETA, the region note is
 * said once per run, counts take the singular ("1 record"), and `serve` prints its text lines without JSON log lines.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NODE_FLAGS } from '../helpers/cli.js';
import { lacks, programPath, SCRIPT } from '../helpers/system.js';
import { tempDir } from '../helpers/temp.js';

const noScript = lacks(SCRIPT);
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal; what the terminal showed, escape sequences and all. */
function onTerminal(args: string[], limitSeconds = 60): string {
  const command = ['timeout', '-s', 'INT', String(limitSeconds), process.execPath, ...NODE_FLAGS, CLI, ...args].map(quote).join(' ');
  const r = spawnSync(programPath(SCRIPT), ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: (limitSeconds + 10) * 1000, env: { ...process.env, TERM: 'xterm' } });
  return r.stdout;
}

function sms(file: string, body: string, minute: number): string {
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="1">\n  <sms protocol="0" address="2025550101" date="${Date.UTC(2026, 0, 1, 0, minute)}" type="1" subject="null" body="${body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="x" contact_name="(Unknown)" />\n</smses>\n`,
  );
  return file;
}

describe.skipIf(noScript)('on a terminal', () => {
  it('imports small files without a progress bar or ETA, and says the region once', () => {
    const dir = tempDir();
    const files = [sms(path.join(dir, 'a.xml'), 'one', 1), sms(path.join(dir, 'b.xml'), 'two', 2), sms(path.join(dir, 'c.xml'), 'three', 3)];
    const out = onTerminal(['--vault', path.join(dir, 'vault'), 'import', ...files]);
    expect(out.match(/imported 1 record \(/g)).toHaveLength(3);
    expect(out).not.toMatch(/ETA|msg\/s|records\/s|\[[░█]/);
    expect(out.match(/region US/g)).toHaveLength(1);
    expect(out).toMatch(/a\.xml: imported .*\r?\n {2}assumed region US/);
  });

  it('serve prints where it listens without a JSON log line', () => {
    const dir = tempDir();
    const out = onTerminal(['--vault', path.join(dir, 'vault'), 'serve', '--port', '0'], 4);
    expect(out).toMatch(/Textvault is serving .* at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).not.toContain('{"level"');
  });
});
