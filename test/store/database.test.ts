import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MigrationError, openStore } from '../../src/store/database.js';
import { tempDir } from '../helpers/temp.js';

const tables = (file: string): string[] => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('migrations', () => {
  it('apply all or nothing: a migration failing half-way leaves no half-created tables', async () => {
    const file = path.join(tempDir(), 'textvault.db');
    // `blobs` is created late in 0001: an existing table of that name makes 0001 fail after it
    // has created ten others.
    const db = new BetterSqlite3(file);
    db.exec('CREATE TABLE blobs (x)');
    db.close();
    await expect(openStore(file)).rejects.toBeInstanceOf(MigrationError);
    // Only Kysely's own bookkeeping tables (created before the migrations' transaction) remain.
    expect(tables(file).filter((t) => !t.startsWith('kysely_'))).toEqual(['blobs']);

    // Once the obstacle is gone the same file migrates completely.
    const again = new BetterSqlite3(file);
    again.exec('DROP TABLE blobs');
    again.close();
    const store = await openStore(file);
    await store.close();
    expect(tables(file)).toEqual(expect.arrayContaining(['backups', 'blobs', 'contacts', 'messages', 'kysely_migration']));
  });
});
