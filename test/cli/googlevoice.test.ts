/**
 * Google Voice (a Google Takeout) through the real CLI into a real vault: the extracted folder,
 * then the ZIP of the same Takeout adding nothing; a truncated Takeout is one line and imports
 * nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/vault/vault.js';
import { GV_FIXTURE, takeoutZip } from '../formats/googlevoice/read.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** The error line of a failed import (the next line says the vault is unchanged). */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n');
  expect(lines[1]).toMatch(/nothing from this file was imported; the vault is unchanged/);
  return lines[0] ?? '';
}

async function rowsOf(vault: string): Promise<unknown[][]> {
  const v = await Vault.open(vault);
  try {
    const messages = await v.db.selectFrom('messages').select(['kind', 'date_ms', 'direction', 'body']).orderBy('date_ms').execute();
    const calls = await v.db.selectFrom('calls').select(['date_ms', 'type', 'duration_s']).orderBy('date_ms').execute();
    return [...messages.map((m) => [m.kind, m.date_ms, m.direction, m.body]), ...calls.map((c) => ['call', c.date_ms, c.type, c.duration_s])];
  } finally {
    await v.close();
  }
}

describe('textvault import of a Google Takeout with Voice', () => {
  it('imports the folder, then the ZIP adds nothing; listed in the help', async () => {
    const help = cli(['import', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Google Voice from a Google Takeout');
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    const r = cli(['--vault', vault, 'import', GV_FIXTURE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/googlevoice: imported 12 records \(4 SMS, 4 MMS, 4 calls\) .*: 12 new, 0 duplicate/);
    const rows = await rowsOf(vault);
    expect(rows).toContainEqual(['sms', Date.UTC(2024, 2, 1, 17, 0, 0, 125), 'in', 'Hi 👋 from Ada & co']);
    expect(rows).toContainEqual(['mms', Date.UTC(2024, 5, 10, 12, 0, 0), 'in', '你好，世界']);
    expect(rows).toContainEqual(['call', Date.UTC(2024, 6, 5, 15, 0, 0), 4, 18]);

    const zip = await takeoutZip(dir);
    const again = cli(['--vault', vault, 'import', '--force', zip]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/imported 12 records .*: 0 new, 12 duplicate, 0 updated/);
    expect(await rowsOf(vault)).toEqual(rows);
    const backups = JSON.parse(cli(['--vault', vault, 'backups', '--json']).stdout) as { format: string }[];
    expect(backups.map((b) => b.format)).toEqual(['googlevoice', 'googlevoice']);

    const cut = path.join(dir, 'takeout-cut.zip');
    fs.writeFileSync(cut, fs.readFileSync(zip).subarray(0, 3000));
    const other = path.join(dir, 'other');
    const bad = cli(['--vault', other, 'import', cut]);
    expect(bad.code).toBe(1);
    expect(errorLine(bad.stderr)).toMatch(/takeout-cut\.zip: /);
    expect(cli(['--vault', other, 'backups', '--json']).stdout.trim()).toBe('[]');
  });
});
