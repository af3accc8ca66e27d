/**
 * The readers of issue #22's other apps through the real CLI into a real vault: Signal/Silence
 * plaintext XML, Simple SMS Messenger before 5.19, QKSMS and Titanium Backup. Each: counts, then
 * the vault (opened after the process exits) holds the bodies, dates and boxes; a damaged file of
 * each is one line and imports nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/vault/vault.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

interface Row {
  kind: string;
  date_ms: number;
  direction: string;
  box: number | null;
  body: string | null;
  participants_key: string;
}

async function rowsOf(vault: string): Promise<Row[]> {
  const v = await Vault.open(vault);
  try {
    return await v.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['kind', 'date_ms', 'direction', 'box', 'body', 'participants_key'])
      .orderBy('date_ms')
      .execute();
  } finally {
    await v.close();
  }
}

/** The error line of a failed import (the next line says the vault is unchanged). */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n');
  expect(lines[1]).toMatch(/nothing from this file was imported; the vault is unchanged/);
  return lines[0] ?? '';
}

describe('textvault import of more apps', () => {
  it('Signal / Silence plaintext XML', async () => {
    const vault = path.join(tempDir(), 'v');
    const r = cli(['--vault', vault, 'import', path.join(FIXTURES, 'signal/SilencePlaintextBackup.xml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SilencePlaintextBackup\.xml: imported 4 records \(4 SMS, 0 MMS\) .*: 4 new, 0 duplicate/);
    expect((await rowsOf(vault)).map((x) => [x.date_ms, x.box, x.body])).toEqual([
      [1500000000123, 1, 'Hello \u{1F600} there'],
      [1500000060456, 2, 'line one\nline two\n'],
      [1500000120789, 1, ''],
      [1500000180000, 2, 'a & b <c> "d" \u{1F389}'],
    ]);
    const backups = JSON.parse(cli(['--vault', vault, 'backups', '--json']).stdout) as { format: string }[];
    expect(backups.map((b) => b.format)).toEqual(['sbr']);

    // Cut off inside the last message: one line, nothing imported.
    const dir = tempDir();
    const cut = path.join(dir, 'SignalPlaintextBackup.xml');
    const whole = fs.readFileSync(path.join(FIXTURES, 'signal/SilencePlaintextBackup.xml'));
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 60));
    const other = path.join(dir, 'v');
    const bad = cli(['--vault', other, 'import', cut]);
    expect(bad.code).toBe(1);
    expect(errorLine(bad.stderr)).toMatch(/SignalPlaintextBackup\.xml:7:1: truncated file/);
    expect(cli(['--vault', other, 'backups', '--json']).stdout.trim()).toBe('[]');
  });

  it('Simple SMS Messenger before 5.19 (one object per conversation)', async () => {
    const vault = path.join(tempDir(), 'v');
    const r = cli(['--vault', vault, 'import', path.join(FIXTURES, 'simplesms/messages-2022.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/messages-2022\.json: imported 4 records \(3 SMS, 1 MMS\) .*: 4 new, 0 duplicate/);
    expect((await rowsOf(vault)).map((x) => [x.kind, x.date_ms, x.box, x.body])).toEqual([
      ['sms', 1650000000123, 1, 'old one'],
      ['sms', 1650000060456, 2, 'reply\nline two'],
      ['mms', 1650000120000, 2, 'a picture'],
      ['sms', 1650000180000, 1, 'other chat'],
    ]);

    // A conversation whose "sms" holds a number: one line, nothing imported.
    const dir = tempDir();
    const wrong = path.join(dir, 'wrong.json');
    fs.writeFileSync(wrong, JSON.stringify([{ sms: [{ address: '+15550001111', date: 1, type: 1, body: 'x' }], mms: [] }, { sms: [7], mms: [] }]));
    const other = path.join(dir, 'v');
    const bad = cli(['--vault', other, 'import', wrong]);
    expect(bad.code).toBe(1);
    expect(errorLine(bad.stderr)).toMatch(/wrong\.json:1:\d+: .*element #2 .*has an SMS or MMS that is not an object/);
    expect(cli(['--vault', other, 'backups', '--json']).stdout.trim()).toBe('[]');
  });

  it('QKSMS backup JSON, listed in the help', async () => {
    const help = cli(['import', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('QKSMS / QKSMS+ backup JSON');
    const vault = path.join(tempDir(), 'v');
    const r = cli(['--vault', vault, 'import', path.join(FIXTURES, 'qksms/backup-20240102030405.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/backup-20240102030405\.json: imported 5 records \(5 SMS, 0 MMS\) .*: 5 new, 0 duplicate/);
    expect((await rowsOf(vault)).map((x) => [x.date_ms, x.box, x.body])).toEqual([
      [1704164645123, 1, 'Hi from Ada 😀👍🏽'],
      [1704164700456, 2, '你好，世界\n第二行\t"quoted" and back\\slash'],
      [1704164800000, 1, 'Escaped 😀 emoji\u2028and a line separator'],
      [1704164900000, 2, ''],
      [1704165000000, 3, 'STOP'],
    ]);
    const backups = JSON.parse(cli(['--vault', vault, 'backups', '--json']).stdout) as { format: string }[];
    expect(backups.map((b) => b.format)).toEqual(['qksms']);

    // A message whose "read" is a number: one line, nothing imported.
    const dir = tempDir();
    const wrong = path.join(dir, 'backup.json');
    fs.writeFileSync(wrong, fs.readFileSync(path.join(FIXTURES, 'qksms/backup-20240102030405.json'), 'utf8').replace('"read": false', '"read": 0'));
    const other = path.join(dir, 'v');
    const bad = cli(['--vault', other, 'import', wrong]);
    expect(bad.code).toBe(1);
    expect(errorLine(bad.stderr)).toMatch(/backup\.json:29:3: element #3 \(line 29\) has "read": the number 0, not true or false/);
    expect(cli(['--vault', other, 'backups', '--json']).stdout.trim()).toBe('[]');
  });

  it('Titanium Backup messages XML, listed in the help', async () => {
    const help = cli(['import', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Titanium Backup messages XML');
    const vault = path.join(tempDir(), 'v');
    const file = path.join(FIXTURES, 'titanium/com.keramidas.virtual.XML_MESSAGES-20140105-120000.xml');
    const r = cli(['--vault', vault, 'import', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/XML_MESSAGES-20140105-120000\.xml: imported 7 records \(5 SMS, 2 MMS\) .*: 7 new, 0 duplicate/);
    expect((await rowsOf(vault)).map((x) => [x.kind, x.date_ms, x.box, x.body])).toEqual([
      ['sms', 1388656800123, 1, 'Hello & welcome <3 "friend"'],
      ['sms', 1388656860456, 2, '你好 😀 line one\nline two'],
      ['sms', 1388656920000, 1, 'Two lines\nsecond line with a tab\there'],
      ['sms', 1388656980000, 3, ''],
      ['mms', 1388657040789, 1, 'Look 👀 at this'],
      ['mms', 1388736000000, 2, 'Group hello'],
      ['sms', 1388836800000, 1, 'Emoji as references 😀 and 🎉 and 中文'],
    ]);

    // A DOCTYPE with entities: one line, nothing imported.
    const dir = tempDir();
    const bad = path.join(dir, 'messages.xml');
    fs.writeFileSync(bad, fs.readFileSync(file, 'utf8').replace('<threads ', '<!DOCTYPE threads [<!ENTITY x "x">]>\n<threads '));
    const other = path.join(dir, 'v');
    const r2 = cli(['--vault', other, 'import', bad]);
    expect(r2.code).toBe(1);
    expect(errorLine(r2.stderr)).toMatch(/messages\.xml:3:1: DOCTYPE is not allowed/);
    expect(cli(['--vault', other, 'backups', '--json']).stdout.trim()).toBe('[]');
  });
});
