import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0011 from '../../../src/store/migrations/0011-search-without-sizes.js';
import { Vault } from '../../../src/vault/vault.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { migrateBack } from '../../helpers/migrations.js';
import { tempDir } from '../../helpers/temp.js';
import { importAll } from '../../helpers/vault.js';

const sms = (date: number, body: string, read = 1): string => `  <sms address="+15550001111" date="${date}" type="1" body="${body}" read="${read}" />\n`;
const backup = (rows: string[], backupDate: number): string =>
  `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${rows.length}" backup_date="${backupDate}">\n${rows.join('')}</smses>\n`;

const QUERIES = ['cafe', 'как', '你好', 'lunch', 'tomorrow', 'soon'];
const ddl = (sqlite: BetterSqlite3.Database): string => sqlite.prepare("SELECT sql FROM sqlite_schema WHERE name = 'message_fts'").pluck().get() as string;
const hasDocsize = (sqlite: BetterSqlite3.Database): boolean => sqlite.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'message_fts_docsize'").pluck().get() === 1;

describe('migration 0011: the search index without per-row sizes', () => {
  it('indexes every message again, finds the same, and keeps finding the right ones as messages are replaced', async () => {
    const dir = path.join(tempDir(), 'vault');
    const files = tempDir();
    const first = path.join(files, 'a.xml');
    fs.writeFileSync(first, backup([sms(1, 'On se voit au café à midi'), sms(2, 'Привет, как дела?'), sms(3, '我们明天说你好吗 😀'), sms(4, 'lunch tomorrow?', 0), sms(5, '')], 10));
    let vault = await Vault.open(dir, { create: true });
    await importAll(vault, [first]);
    const found = (v: Vault): number[][] => QUERIES.map((q) => v.search.match(q, 10));
    const before = found(vault);
    expect(before.map((ids) => ids.length)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(ddl(vault.store.sqlite)).toContain('columnsize=0');
    expect(hasDocsize(vault.store.sqlite)).toBe(false);
    await vault.close();

    // As a version before 0011 left it: every row has its size, deletes go by rowid.
    await migrateBack(dir, '0011-search-without-sizes', [m0011], (sqlite) => {
      expect(ddl(sqlite)).toContain('contentless_delete=1');
      expect(hasDocsize(sqlite)).toBe(true);
      expect(sqlite.prepare("SELECT rowid FROM message_fts WHERE message_fts MATCH 'midi'").pluck().all()).toHaveLength(1);
    });

    vault = await Vault.open(dir);
    try {
      expect(ddl(vault.store.sqlite)).toContain('columnsize=0');
      expect(hasDocsize(vault.store.sqlite)).toBe(false);
      expect(vault.store.sqlite.prepare("SELECT v FROM message_fts_config WHERE k = 'hashsize'").pluck().get()).toBe(16 * 1024 * 1024);
      expect(found(vault)).toEqual(before);

      // A newer backup where the lunch message was read (state: the stored one is replaced), and,
      // matched with whitespace ignored, one whose spacing changed: each is removed from the index
      // with the text it was indexed with and added again (FTS5's integrity-check cannot tell a
      // wrong removal: stale or doubled ids in the results would).
      const replaceFrom = async (name: string, rows: string[], backupDate: number): Promise<void> => {
        const file = path.join(files, name);
        fs.writeFileSync(file, backup(rows, backupDate));
        const [result] = await importAll(vault, [file], { match: { ignoreWhitespace: true } });
        expect(result?.counts).toMatchObject({ updated: rows.length, new: 0 });
        expect(found(vault)).toEqual(before);
        vault.store.sqlite.exec("INSERT INTO message_fts(message_fts, rank) VALUES ('integrity-check', 0)");
      };
      await replaceFrom('b.xml', [sms(4, 'lunch tomorrow?', 1), sms(2, 'Привет,  как дела?')], 20);
      // And again, the same messages replaced once more: each is found once, under its id.
      await replaceFrom('c.xml', [sms(4, 'lunch   tomorrow?', 0), sms(1, 'On se voit au  café à midi')], 30);
      const report = await verifyVault(vault);
      expect(report.problems).toEqual([]);
    } finally {
      await vault.close();
    }
  });
});
