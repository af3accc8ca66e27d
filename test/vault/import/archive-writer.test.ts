import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const vault = useVaults();

const backup = (dir: string, name: string, dates: number[]): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${dates.length}">\n` +
      dates.map((d) => `  <sms address="+15550001111" date="${d}" type="1" body="m${d}" />\n`).join('') +
      '</smses>\n',
  );
  return file;
};

describe('the ids the import gives new messages', () => {
  it('never reuses the id of a message that was removed, as AUTOINCREMENT would not', async () => {
    const dir = tempDir();
    const v = await vault();
    await importAll(v, [backup(dir, 'a.xml', [1, 2, 3])]);
    const sqlite = v.store.sqlite;
    const row = sqlite.prepare<[], { id: number; body: string | null }>('SELECT id, body FROM messages ORDER BY id DESC LIMIT 1').get();
    const last = row?.id ?? 0;
    v.search.remove(last, row?.body ?? '');
    sqlite.prepare('DELETE FROM messages WHERE id = ?').run(last);

    const [result] = await importAll(v, [backup(dir, 'b.xml', [4, 5])]);
    expect(result?.counts.new).toBe(2);
    const ids = sqlite.prepare<[], { id: number; date_ms: number }>('SELECT id, date_ms FROM messages ORDER BY id').all();
    expect(ids.map((r) => r.date_ms)).toEqual([1, 2, 4, 5]);
    expect(ids.slice(2).every((r) => r.id > last)).toBe(true);
  });

  it('writes one message for a record the same file holds twice', async () => {
    const v = await vault();
    const [result] = await importAll(v, [backup(tempDir(), 'twice.xml', [7, 7, 8])]);
    expect(result?.counts).toMatchObject({ new: 2, duplicate: 1 });
    expect(v.store.sqlite.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(2);
  });
});

describe('runs of known and new messages in one backup', () => {
  const sms = (d: number, read = 1): string => `  <sms address="+15550001111" date="${d}" type="1" body="m${d}" read="${read}" />\n`;
  const write = (dir: string, name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${lines.length}">\n${lines.join('')}</smses>\n`);
    return file;
  };

  it('counts and stores each message right when known, new and changed ones alternate', async () => {
    const dir = tempDir();
    const v = await vault();
    const [first] = await importAll(v, [write(dir, 'a.xml', [sms(1), sms(2), sms(3, 0), sms(4), sms(5)])]);
    // Known, known, new, known but now read (an update inside a run of known ones), new, known,
    // the same new one again, known, new at the end.
    const [second] = await importAll(v, [write(dir, 'b.xml', [sms(1), sms(2), sms(10), sms(3, 1), sms(11), sms(4), sms(11), sms(5), sms(12)])]);
    expect(second?.counts).toMatchObject({ new: 3, duplicate: 5, updated: 1 });
    const rows = v.store.sqlite
      .prepare<[], { date_ms: number; read: number; first_backup_id: number; last_backup_id: number }>('SELECT date_ms, read, first_backup_id, last_backup_id FROM messages ORDER BY date_ms')
      .all();
    const a = first?.backupId;
    const b = second?.backupId;
    expect(rows).toEqual([
      { date_ms: 1, read: 1, first_backup_id: a, last_backup_id: b },
      { date_ms: 2, read: 1, first_backup_id: a, last_backup_id: b },
      { date_ms: 3, read: 1, first_backup_id: a, last_backup_id: b },
      { date_ms: 4, read: 1, first_backup_id: a, last_backup_id: b },
      { date_ms: 5, read: 1, first_backup_id: a, last_backup_id: b },
      { date_ms: 10, read: 1, first_backup_id: b, last_backup_id: b },
      { date_ms: 11, read: 1, first_backup_id: b, last_backup_id: b },
      { date_ms: 12, read: 1, first_backup_id: b, last_backup_id: b },
    ]);
    // New messages found in a run of known ones are searchable like the others.
    for (const d of [10, 11, 12]) expect(v.search.match(`m${d}`, 10)).toHaveLength(1);
  });
});

describe('the columns of a new SMS', () => {
  it('are what the general insert wrote: kind, no addresses or media, an empty content hash, this backup twice', async () => {
    const dir = tempDir();
    const v = await vault();
    const file = path.join(dir, 'dated.xml');
    fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="1" backup_date="1700000000000">\n  <sms address="+15550001111" date="5" type="1" body="m5" />\n</smses>\n`);
    const [result] = await importAll(v, [file]);
    const row = v.store.sqlite
      .prepare('SELECT kind, has_addrs, media_signature, typeof(content_hash) AS hash_type, length(content_hash) AS hash_length, state_date, first_backup_id, last_backup_id, body, address FROM messages')
      .get();
    expect(row).toEqual({ kind: 'sms', has_addrs: 0, media_signature: null, hash_type: 'blob', hash_length: 0, state_date: 1700000000000, first_backup_id: result?.backupId, last_backup_id: result?.backupId, body: 'm5', address: '+15550001111' });
  });
});

describe('MMS in a run of known messages', () => {
  it('are duplicates when their content hash is the same, and replaced by a newer backup when it is not', async () => {
    const v = await vault();
    const original = fs.readFileSync(fixture('sbr', 'mms-media.xml'), 'utf8');
    const [first] = await importAll(v, [fixture('sbr', 'mms-media.xml')]);
    // A later full backup in which the phone shows the third MMS's date differently: one attribute changed.
    const third = 'readable_date="Jan 2, 2025 11:02:00"';
    expect(original.split(third)).toHaveLength(2);
    const later = original.replace('backup_date="1740993300000"', 'backup_date="1741093300000"').replace(third, 'readable_date="2 Jan 2025 11:02:00"');
    const file = path.join(tempDir(), 'later.xml');
    fs.writeFileSync(file, later);
    const [second] = await importAll(v, [file]);
    expect(first?.counts.new).toBe(4);
    expect(second?.counts).toMatchObject({ new: 0, duplicate: 3, updated: 1 });
    const stored = v.store.sqlite.prepare<[], { attrs: string; last_backup_id: number }>('SELECT attrs, last_backup_id FROM messages ORDER BY date_ms').all();
    expect(stored.map((r) => r.last_backup_id)).toEqual([second?.backupId, second?.backupId, second?.backupId, second?.backupId]);
    expect(stored[2]?.attrs).toContain('2 Jan 2025 11:02:00');
    expect(stored.filter((r) => r.attrs.includes('Jan 2, 2025'))).toHaveLength(3);
  });
});
