import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';
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
