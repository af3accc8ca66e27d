/**
 * Opens the embedded SQLite archive: one file, WAL journal, migrated to the latest schema.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteAdapter, SqliteDialect, type DialectAdapter, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-search.js';
import * as m0005 from './migrations/0005-contact-photos.js';
import type { Schema } from './schema.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-search': m0002,
  '0005-contact-photos': m0005,
};

class StaticMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  }
}

/**
 * SQLite runs DDL inside transactions; Kysely's adapter does not claim it, so its migrator would
 * apply each migration statement by statement, and a process killed during the first open (or a
 * failing migration) would leave half-created tables that make every later open fail. With this
 * the pending migrations apply in one transaction: all or nothing.
 */
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TextvaultSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlAdapter();
  }
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface Store {
  /** The raw connection, for the import hot path's prepared statements and transactions. */
  sqlite: BetterSqlite3.Database;
  /** The query builder every other query goes through. */
  db: Kysely<Schema>;
  close(): Promise<void>;
}

export async function openStore(file: string, options: { readonly?: boolean } = {}): Promise<Store> {
  const sqlite = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  // FULL: a commit is on disk before we report success; the cost is one fsync per import.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  // Bounded page cache (32 MiB) keeps peak RSS flat for any archive size.
  sqlite.pragma('cache_size = -32768');
  const db = new Kysely<Schema>({ dialect: new TextvaultSqliteDialect({ database: sqlite }) });
  if (!options.readonly) {
    const { error, results } = await new Migrator({ db, provider: new StaticMigrations() }).migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      await db.destroy();
      throw new MigrationError(`database migration ${failed} failed for ${file}: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
    }
  }
  return {
    sqlite,
    db,
    close: () => db.destroy(),
  };
}
