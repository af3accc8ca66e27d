import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, MigrationError, openStore, StoreLockedError } from '../../src/store/database.js';
import { tempDir } from '../helpers/temp.js';

describe('openStore', () => {
  it('runs the pending migrations all or nothing, so an interrupted first open can be retried', async () => {
    const file = path.join(tempDir(), 'textvault.db');
    // A table in the way makes a later migration (0002, the search index) fail after 0001 ran.
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE message_fts (x)');
    raw.close();
    await expect(openStore(file)).rejects.toThrow(MigrationError);

    const after = new BetterSqlite3(file);
    const tables = after.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => t.name)).toEqual(['message_fts']);
    after.exec('DROP TABLE message_fts');
    after.close();

    const store = await openStore(file);
    const applied = await store.db.selectFrom('backups').select('id').execute();
    expect(applied).toEqual([]);
    await store.close();
  });

  it('gives a new archive 8 KiB pages and leaves an existing archive its own page size', async () => {
    const fresh = path.join(tempDir(), 'textvault.db');
    const created = await openStore(fresh);
    expect(created.sqlite.pragma('page_size', { simple: true })).toBe(8192);
    await created.close();

    // An archive made before the change: 4 KiB pages, already holding data.
    const old = path.join(tempDir(), 'textvault.db');
    const raw = new BetterSqlite3(old);
    raw.pragma('page_size = 4096');
    raw.exec('CREATE TABLE keep (x)');
    raw.exec("INSERT INTO keep VALUES ('still here')");
    raw.close();
    const reopened = await openStore(old);
    expect(reopened.sqlite.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.sqlite.prepare('SELECT x FROM keep').pluck().get()).toBe('still here');
    await reopened.close();
  });

  it('says which lock is in the way when a large import in another process holds the archive', async () => {
    const file = path.join(tempDir(), 'textvault.db');
    await (await openStore(file)).close();
    // What a bulk import holds once its pages reach the file (store/bulk-journal.ts).
    const importer = new BetterSqlite3(file);
    importer.pragma('journal_mode = DELETE');
    importer.exec('BEGIN EXCLUSIVE');
    const started = Date.now();
    try {
      const opening = openStore(file);
      await expect(opening).rejects.toThrow(StoreLockedError);
      await expect(opening).rejects.toThrow(/locked by another process: a large import .* try again when it has finished/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 100);
    } finally {
      importer.exec('ROLLBACK');
      importer.close();
    }
    const after = await openStore(file);
    expect(after.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    await after.close();
  }, 30_000);
});
