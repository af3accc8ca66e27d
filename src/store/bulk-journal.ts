/**
 * A large write that has the archive to itself goes through a rollback journal instead of the WAL.
 *
 * In WAL mode every page a transaction writes is written twice: into the WAL, then by the
 * checkpoint into the database file. For a large import into a new vault nearly every page is new,
 * and a rollback journal only keeps the original of pages that existed before, so the pages are
 * written once (1,000,000 SMS, 600 MB of pages: COMMIT and close 2.3-2.5 s in WAL mode, 0.6-0.7 s
 * with the journal). The price is concurrency: while the transaction holds its write lock no other
 * process can read the archive, so this is only taken when no other connection has the file open
 * (SQLite refuses to leave WAL mode otherwise) and given back as soon as the transaction ends.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, SYNCHRONOUS } from './database.js';

/**
 * Switches the connection to a rollback journal for the next transaction, if no other connection
 * has the file open. Returns whether it did; when it did not, the connection is as it was (WAL).
 * Must be called outside a transaction.
 */
export function enterBulkJournal(sqlite: BetterSqlite3.Database): boolean {
  // Another process with the file open makes the switch wait for it; do not wait, keep the WAL.
  sqlite.pragma('busy_timeout = 0');
  try {
    if (sqlite.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return false;
    // In DELETE mode the commit point is the journal's unlink; EXTRA also syncs the directory so a
    // power cut just after the commit cannot bring the journal back and roll the import back.
    sqlite.pragma('synchronous = EXTRA');
    return true;
  } catch {
    // SQLITE_BUSY: another connection has the file open.
    return false;
  } finally {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * Back to WAL after the transaction ended (committed or rolled back). If another process is in
 * the middle of reading the file the switch can fail; the next open of the vault sets WAL again,
 * and the archive is consistent in either mode, so that is not an error.
 */
export function leaveBulkJournal(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma(`synchronous = ${SYNCHRONOUS}`);
  try {
    sqlite.pragma('journal_mode = WAL');
  } catch {
    // Left in rollback mode until the next open; see above.
  }
}
