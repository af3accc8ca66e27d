import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type Migration } from 'kysely';
import { registerSqlFunctions } from '../../src/store/database.js';
import { DB_FILE } from '../../src/vault/vault.js';

/**
 * Takes a closed vault back to the schema an older version left: runs `downs` (latest first),
 * then `edit` on the raw file, and forgets migration `name` and every later one, so the next
 * open runs them again.
 */
export async function migrateBack(
  dir: string,
  name: string,
  downs: Pick<Migration, 'down'>[],
  edit?: (sqlite: BetterSqlite3.Database) => void,
  /** Which database of the vault: the archive (default) or the control database. */
  file: string = DB_FILE,
): Promise<void> {
  const sqlite = new BetterSqlite3(path.join(dir, file));
  registerSqlFunctions(sqlite);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    for (const m of downs) {
      if (m.down === undefined) throw new Error(`a migration before ${name} has no down step`);
      await m.down(db);
    }
    edit?.(sqlite);
    sqlite.prepare('DELETE FROM kysely_migration WHERE name >= ?').run(name);
  } finally {
    await db.destroy();
  }
}
