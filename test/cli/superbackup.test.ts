/** The command line with Super Backup & Restore: import the app's folder, export a selection in its shape. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBytes, SB_FIXTURES } from '../formats/superbackup/read.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('textvault with Super Backup & Restore', () => {
  it('imports the SmsContactsBackup folder and exports --format superbackup with --contact, --since, --until and --types', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    expect(cli(['--vault', vault, 'config', 'set', 'region', 'US']).code).toBe(0);
    const imported = cli(['--vault', vault, 'import', path.join(SB_FIXTURES, 'SmsContactsBackup')]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/sms_20240102030405\.xml: imported 6 records \(6 SMS, 0 MMS\)/);
    expect(imported.stdout).toMatch(/calllogs_20240102030405\.xml: imported 4 records \(4 calls\)/);

    const out = path.join(dir, 'ada');
    const r = cli(['--vault', vault, 'export', '--format', 'superbackup', '--out', out, '--contact', '+1 555 000 1001', '--types', 'sms', '--since', '2012-09-01', '--until', '2012-09-04']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exported 2 messages and 0 calls/);
    const files = fs.readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^sms_\d{14}\.xml$/);
    const sms = await readBytes(fs.readFileSync(path.join(out, files[0] ?? '')));
    expect(sms.records.map((x) => Object.fromEntries(x.attrs).address)).toEqual(['+15550001001', '+15550001001']);

    const calls = path.join(dir, 'calls');
    const c = cli(['--vault', vault, 'export', '--format', 'superbackup', '--out', calls, '--types', 'calls', '--since', '2020-01-01']);
    expect(c.code).toBe(0);
    expect(fs.readdirSync(calls)).toEqual([expect.stringMatching(/^calllogs_\d{14}\.xml$/)]);
    const help = cli(['export', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/superbackup \(Super Backup & Restore sms_\*\.xml/);
  });
});
