/**
 * Where packed blobs are: `blobs/packs/index.db`, the blob store's own small SQLite file.
 *
 * The index belongs to the blob store, not to the archive's database, as git keeps its pack
 * indexes beside its packs: any thread holding a BlobStore (the import's reader worker, the
 * export's writer worker) finds a blob by its hash alone, and the archive's database keeps only
 * what it always kept (which blobs exist, not where their bytes lie).
 *
 * Consistency with the archive: the import appends blobs to its pack, fsyncs the pack, commits
 * their rows here, and only then commits the archive. A crash between the two leaves indexed
 * blobs that nothing refers to: harmless (content-addressed, so the next import that brings the
 * same bytes uses them) and counted by `verify` like any unreferenced blob.
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

export interface PackedBlob {
  sha256: string;
  /** The pack file's name in `blobs/packs/`. */
  pack: string;
  offset: number;
  size: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS packs (name TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS packed (
    sha256 TEXT PRIMARY KEY,
    pack TEXT NOT NULL,
    offset INTEGER NOT NULL,
    size INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

interface Statements {
  db: BetterSqlite3.Database;
  locate: BetterSqlite3.Statement<[string], PackedBlob>;
  insert: BetterSqlite3.Statement<[string, string, number, number]>;
  insertPack: BetterSqlite3.Statement<[string]>;
  remove: BetterSqlite3.Statement<[string]>;
}

export class PackIndex {
  private open: Statements | null = null;

  constructor(private readonly file: string) {}

  /** The connection, opened on first use; null when no blob was ever packed (and `create` is false). */
  private statements(create: boolean): Statements | null {
    if (this.open !== null) return this.open;
    if (!create && !fs.existsSync(this.file)) return null;
    // Owner-only (SQLite gives its -wal/-shm the same mode): see store/private-file.ts, which blobs/ does not import.
    try {
      fs.closeSync(fs.openSync(this.file, 'wx', 0o600));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const db = new BetterSqlite3(this.file);
    try {
      db.pragma('journal_mode = WAL');
      // FULL: the archive commits right after this index, trusting that it is on disk.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      db.exec(SCHEMA);
      this.open = {
        db,
        locate: db.prepare<[string], PackedBlob>('SELECT sha256, pack, offset, size FROM packed WHERE sha256 = ?'),
        insert: db.prepare<[string, string, number, number]>('INSERT OR IGNORE INTO packed (sha256, pack, offset, size) VALUES (?, ?, ?, ?)'),
        insertPack: db.prepare<[string]>('INSERT OR IGNORE INTO packs (name) VALUES (?)'),
        remove: db.prepare<[string]>('DELETE FROM packed WHERE sha256 = ?'),
      };
      return this.open;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Opens the index, making it if there is none (an import is about to use it). */
  create(): void {
    this.statements(true);
  }

  locate(sha256: string): PackedBlob | undefined {
    return this.statements(false)?.locate.get(sha256);
  }

  /** Records blobs whose bytes are already durable in their packs, in one transaction. */
  add(blobs: readonly PackedBlob[]): void {
    if (blobs.length === 0) return;
    const st = this.statements(true);
    if (st === null) throw new Error(`cannot open the pack index ${this.file}`);
    st.db.transaction(() => {
      for (const pack of new Set(blobs.map((b) => b.pack))) st.insertPack.run(pack);
      for (const b of blobs) st.insert.run(b.sha256, b.pack, b.offset, b.size);
    })();
  }

  /** Packs that hold committed blobs; any other pack file is the leftover of an import that failed. */
  packs(): Set<string> {
    const st = this.statements(false);
    if (st === null) return new Set();
    return new Set(st.db.prepare<[], { name: string }>('SELECT name FROM packs').all().map((r) => r.name));
  }

  *hashes(): Generator<string> {
    const st = this.statements(false);
    if (st === null) return;
    for (const r of st.db.prepare<[], { sha256: string }>('SELECT sha256 FROM packed ORDER BY sha256').iterate()) yield r.sha256;
  }

  /** Forgets a blob; its bytes stay in the pack as dead space. */
  remove(sha256: string): void {
    this.statements(false)?.remove.run(sha256);
  }

  close(): void {
    this.open?.db.close();
    this.open = null;
  }
}
