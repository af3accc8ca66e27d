/**
 * The one transaction an import writes in, and the connection settings it runs with: the vault's
 * import pipeline says when to begin, commit or give up, and this module how, on SQLite.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { enterBulkJournal, leaveBulkJournal } from './bulk-journal.js';

export interface ImportTransaction {
  /** Whether the writes go through a rollback journal instead of the WAL (bulk-journal.ts). */
  readonly bulk: boolean;
  commit(): void;
  /** Undoes everything written since begin, unless committed. */
  rollback(): void;
  /** Rolls back unless committed and gives the connection its settings back: call once, in `finally`. */
  end(): void;
}

/**
 * Begins an import's transaction. `bulk`: take the rollback journal if no other connection has
 * the file open. While it runs, foreign keys are not checked: the import only refers to rows it
 * has just read or written in this transaction, checking every reference again (four b-tree
 * lookups per message) cost ~10% of an import, and `verify` runs foreign_key_check over the whole
 * archive.
 */
export function beginImportTransaction(sqlite: BetterSqlite3.Database, options: { bulk: boolean }): ImportTransaction {
  sqlite.pragma('foreign_keys = OFF');
  const bulk = options.bulk && enterBulkJournal(sqlite);
  const restore = (): void => {
    sqlite.pragma('foreign_keys = ON');
    if (bulk) leaveBulkJournal(sqlite);
  };
  try {
    // IMMEDIATE: the write lock now, so a second writer waits here rather than failing half way.
    sqlite.exec('BEGIN IMMEDIATE');
  } catch (e) {
    restore();
    throw e;
  }
  const rollback = (): void => {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
  };
  return {
    bulk,
    commit: () => {
      sqlite.exec('COMMIT');
    },
    rollback,
    end: () => {
      rollback();
      restore();
    },
  };
}
