import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MigrationError, openStore } from '../../src/store/database.js';
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
});
