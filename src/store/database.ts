/**
 * Opens the embedded SQLite archive: one file, WAL journal, migrated to the latest schema.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-search.js';
import * as m0003auth from './migrations/0003-auth.js';
import * as m0004control from './migrations/0004-control.js';
import * as m0004deletions from './migrations/0004-phone-deletions.js';
import type { ControlSchema } from './control-schema.js';
import * as m0005 from './migrations/0005-contact-photos.js';
import * as m0006 from './migrations/0006-imap-sync.js';
import * as m0007 from './migrations/0007-dated-keys.js';
import * as m0008 from './migrations/0008-sms-content-by-attrs.js';
import * as m0009 from './migrations/0009-search-hash-size.js';
import * as m0010 from './migrations/0010-keys-in-messages.js';
import * as m0011 from './migrations/0011-search-without-sizes.js';
import * as m0012jobCancel from './migrations/0012-job-cancel.js';
import * as m0013jobExpanded from './migrations/0013-job-expanded.js';
import * as m0014holdRefs from './migrations/0014-hold-server-secret-refs.js';
import * as m0015jobSecrets from './migrations/0015-job-secrets.js';
import * as m0020households from './migrations/0020-households.js';
import * as m0016 from './migrations/0016-derived-media.js';
import * as m0017 from './migrations/0017-body-checkpoints.js';
import * as m0018 from './migrations/0018-aggregate-cache.js';
import * as m0019 from './migrations/0019-gallery-items.js';
import * as m0021oidc from './migrations/0021-oidc-identities.js';
import { beginImportTransaction, type ImportTransaction } from './import-transaction.js';
import type { Schema } from './schema.js';
import { createPrivateFile } from './private-file.js';
import { SEARCHABLE_TEXT_FUNCTION } from './search-index.js';
import { searchableText } from './search-text.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-search': m0002,
  '0004-phone-deletions': m0004deletions,
  '0005-contact-photos': m0005,
  '0006-imap-sync': m0006,
  '0007-dated-keys': m0007,
  '0008-sms-content-by-attrs': m0008,
  '0009-search-hash-size': m0009,
  '0010-keys-in-messages': m0010,
  '0011-search-without-sizes': m0011,
  '0016-derived-media': m0016,
  '0017-body-checkpoints': m0017,
  '0018-aggregate-cache': m0018,
  '0019-gallery-items': m0019,
};

/** The control database (control.db, see control-schema.ts) has its own migration list. */
const CONTROL_MIGRATIONS: Record<string, Migration> = {
  // Accounts live beside the jobs, not in the archive: a login during a long import must not wait
  // for (or be rolled back with) the import's transaction.
  '0003-auth': m0003auth,
  '0004-control': m0004control,
  '0012-job-cancel': m0012jobCancel,
  '0013-job-expanded': m0013jobExpanded,
  '0014-hold-server-secret-refs': m0014holdRefs,
  '0015-job-secrets': m0015jobSecrets,
  '0020-households': m0020households,
  '0021-oidc-identities': m0021oidc,
};

class StaticMigrations implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration> = MIGRATIONS) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.migrations);
  }
}

/**
 * 8 KiB pages: an import writes ~500 bytes of row per message into several b-trees; with twice
 * the default page size SQLite splits, journals and checksums half as many pages (1,000,000 SMS:
 * 10-20% less import time, less system time), and reads of a thread touch fewer pages.
 */
const NEW_PAGE_SIZE = 8192;

/** How long a connection waits for another process's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

/** FULL: a commit is on disk before we report success; the cost is one fsync per import. */
export const SYNCHRONOUS = 'FULL';

function isEmptyDatabase(sqlite: BetterSqlite3.Database): boolean {
  return sqlite.prepare('SELECT count(*) AS n FROM sqlite_schema').pluck().get() === 0;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Another process holds the archive's write lock for longer than a connection waits. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
  constructor(readonly file: string) {
    super(
      `${file} is locked by another process: a large import holds it until it commits (see import.lock in the vault folder for its process id); try again when it has finished`,
    );
  }
}

function isBusy(e: unknown): boolean {
  // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY, ...).
  return e instanceof BetterSqlite3.SqliteError && e.code.startsWith('SQLITE_BUSY');
}

export interface Store {
  /** The raw connection, for the import hot path's prepared statements. */
  sqlite: BetterSqlite3.Database;
  /** The query builder every other query goes through. */
  db: Kysely<Schema>;
  /** The transaction one import writes in (import-transaction.ts). */
  beginImport(options: { bulk: boolean }): ImportTransaction;
  close(): Promise<void>;
}

/** SQL functions of ours that migrations call (SEARCHABLE_TEXT_FUNCTION): on every archive connection. */
export function registerSqlFunctions(sqlite: BetterSqlite3.Database): void {
  sqlite.function(SEARCHABLE_TEXT_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? searchableText(text) : text));
}

export async function openStore(file: string, options: { readonly?: boolean } = {}): Promise<Store> {
  if (options.readonly !== true) createPrivateFile(file);
  const sqlite = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  // Before anything reads the file: a large import in another process can hold it (bulk-journal.ts).
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  try {
    // Only a new, empty file takes a page size (and only before WAL is on): existing archives keep theirs.
    if (!options.readonly && isEmptyDatabase(sqlite)) sqlite.pragma(`page_size = ${NEW_PAGE_SIZE}`);
    sqlite.pragma('journal_mode = WAL');
  } catch (e) {
    sqlite.close();
    throw isBusy(e) ? new StoreLockedError(file) : e;
  }
  sqlite.pragma(`synchronous = ${SYNCHRONOUS}`);
  sqlite.pragma('foreign_keys = ON');
  // Bounded page cache (32 MiB) keeps peak RSS flat for any archive size.
  sqlite.pragma('cache_size = -32768');
  registerSqlFunctions(sqlite);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  if (!options.readonly && hasPendingMigrations(sqlite)) {
    // One transaction for all pending migrations: Kysely runs SQLite migrations without one, so a
    // process killed while creating a vault left half a schema that no later open could migrate.
    // IMMEDIATE also makes a second process opening the vault wait instead of migrating twice. Only
    // taken when something is pending, as it waits for a running import to finish.
    sqlite.exec('BEGIN IMMEDIATE');
    let outcome: MigrationResultSet;
    try {
      outcome = await new Migrator({ db, provider: new StaticMigrations() }).migrateToLatest();
    } catch (e) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      await db.destroy();
      throw e;
    }
    const { error, results } = outcome;
    if (error !== undefined) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      await db.destroy();
      throw new MigrationError(`database migration ${failed} failed for ${file}: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
    }
    sqlite.exec('COMMIT');
  }
  return {
    sqlite,
    db,
    beginImport: (o) => beginImportTransaction(sqlite, o),
    close: () => db.destroy(),
  };
}

export interface ControlStore {
  sqlite: BetterSqlite3.Database;
  db: Kysely<ControlSchema>;
  close(): Promise<void>;
}

/** Opens (and creates) a vault's control database: small, short transactions, never blocked by an import. */
export async function openControlStore(file: string): Promise<ControlStore> {
  createPrivateFile(file);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const db = new Kysely<ControlSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider: new StaticMigrations(CONTROL_MIGRATIONS) }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    await db.destroy();
    throw new MigrationError(`database migration ${failed} failed for ${file}: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
  return { sqlite, db, close: () => db.destroy() };
}

function hasPendingMigrations(sqlite: BetterSqlite3.Database): boolean {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'kysely_migration'").get();
  if (table === undefined) return true;
  const done = new Set(sqlite.prepare<[], { name: string }>('SELECT name FROM kysely_migration').all().map((r) => r.name));
  return Object.keys(MIGRATIONS).some((name) => !done.has(name));
}
