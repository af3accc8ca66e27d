/**
 * Reading a live SQLite file as of one moment, without holding up the imports writing to it.
 *
 * A read transaction on a WAL-mode database sees the last commit before it began, whatever is
 * committed after, and blocks no writer (SQLite's WAL: readers and one writer run at once). The
 * online backup API run on that same connection copies exactly that state, page for page (so a
 * page no import touched is the same bytes as in the last snapshot and its chunk is stored once).
 *
 * An import that has the archive to itself may switch it to a rollback journal for one
 * transaction (store/bulk-journal.ts); then a reader would hold up its commit. A reader that
 * finds the file in that mode lets go at once and waits for the import to end.
 */
import BetterSqlite3 from 'better-sqlite3';
import { SnapshotError } from './errors.js';

/** How long a snapshot waits for an import that holds the archive in rollback-journal mode. */
const BULK_WAIT_MS = 6 * 60 * 60 * 1000;
const BULK_POLL_MS = 250;
/** Pages per backup step; between steps the event loop runs. */
const PAGES_PER_STEP = 4096;

export class FrozenDatabase {
  private constructor(
    readonly file: string,
    readonly db: BetterSqlite3.Database,
  ) {}

  /** Opens `file` and begins a read transaction on it (see above). */
  static async open(file: string, options: { bulkWaitMs?: number } = {}): Promise<FrozenDatabase> {
    const deadline = Date.now() + (options.bulkWaitMs ?? BULK_WAIT_MS);
    const db = new BetterSqlite3(file, { fileMustExist: true });
    try {
      // Short: a busy file is waited for in the loop below, which lets go in between.
      db.pragma('busy_timeout = 1000');
      for (;;) {
        try {
          db.exec('BEGIN');
          // The first read is what fixes the transaction's view.
          db.prepare('SELECT count(*) FROM sqlite_schema').get();
          if (db.pragma('journal_mode', { simple: true }) === 'wal') return new FrozenDatabase(file, db);
        } catch (e) {
          // SQLITE_BUSY: the import holds the file in rollback-journal mode and is writing.
          if (!(e instanceof BetterSqlite3.SqliteError) || !e.code.startsWith('SQLITE_BUSY')) throw e;
        }
        if (db.inTransaction) db.exec('ROLLBACK');
        if (Date.now() > deadline) throw new SnapshotError(`${file} stayed in use by an import for too long; run the snapshot again when the import has finished`);
        await new Promise((r) => setTimeout(r, BULK_POLL_MS));
      }
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Copies the database as of open() to `target` (a new file). */
  async copyTo(target: string): Promise<void> {
    await this.db.backup(target, { progress: () => PAGES_PER_STEP });
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}
