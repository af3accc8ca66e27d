import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { tempDir } from '../helpers/temp.js';

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function store(file: string): Promise<Store> {
  const s = await openStore(file);
  open.push(s);
  return s;
}

const settings = (c: BetterSqlite3.Database): unknown => [c.pragma('journal_mode', { simple: true }), c.pragma('foreign_keys', { simple: true })];
const count = (c: BetterSqlite3.Database): unknown => c.prepare('SELECT count(*) FROM config').pluck().get();

describe("an import's transaction", () => {
  it('writes through the bulk journal without foreign key checks, commits, and gives the connection back as it was', async () => {
    const s = await store(path.join(tempDir(), 'a.db'));
    const before = settings(s.sqlite);
    expect(before).toEqual(['wal', 1]);
    const tx = s.beginImport({ bulk: true });
    expect(tx.bulk).toBe(true);
    expect(s.sqlite.inTransaction).toBe(true);
    expect(settings(s.sqlite)).toEqual(['delete', 0]);
    s.sqlite.prepare("INSERT INTO config (key, value) VALUES ('a', '1')").run();
    tx.commit();
    tx.end();
    expect(settings(s.sqlite)).toEqual(before);
    expect(count(s.sqlite)).toBe(1);
  });

  it('leaves nothing it wrote when it ends without a commit, and checks foreign keys again', async () => {
    const s = await store(path.join(tempDir(), 'a.db'));
    const tx = s.beginImport({ bulk: false });
    expect(tx.bulk).toBe(false);
    expect(settings(s.sqlite)).toEqual(['wal', 0]);
    s.sqlite.prepare("INSERT INTO config (key, value) VALUES ('a', '1')").run();
    tx.end();
    expect(s.sqlite.inTransaction).toBe(false);
    expect(count(s.sqlite)).toBe(0);
    expect(settings(s.sqlite)).toEqual(['wal', 1]);
  });

  it('keeps the WAL while another connection has the file open, and restores the connection when it cannot begin', async () => {
    const file = path.join(tempDir(), 'a.db');
    const s = await store(file);
    const other = await store(file);
    // The other connection writes: this one cannot take the write lock (and, told not to wait, fails at once).
    other.sqlite.exec('BEGIN IMMEDIATE');
    s.sqlite.pragma('busy_timeout = 0');
    expect(() => s.beginImport({ bulk: false })).toThrow(/locked|busy/i);
    expect(s.sqlite.inTransaction).toBe(false);
    expect(settings(s.sqlite)).toEqual(['wal', 1]);
    other.sqlite.exec('ROLLBACK');
    const tx = s.beginImport({ bulk: true });
    expect(tx.bulk).toBe(false);
    tx.end();
  });
});
