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
 * same bytes uses them), counted by `verify` like any unreferenced blob and removed by `textvault gc`.
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
  CREATE INDEX IF NOT EXISTS packed_by_pack ON packed (pack);
  -- Packs gc is writing (their blobs not moved yet) and packs it emptied (not removed yet): what a
  -- gc killed in the middle left, which the next one finishes (see vault/gc.ts).
  CREATE TABLE IF NOT EXISTS gc_packs (name TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
`;

/** How many blobs of a pack the index lists, and their bytes. */
export interface PackUse {
  pack: string;
  blobs: number;
  bytes: number;
}

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

  /**
   * The packs the index lists and those gc noted (see gc_packs), read in one transaction: a pack
   * gc publishes moves from one set to the other in a single commit, so it is always in one.
   */
  knownPacks(): { listed: Set<string>; noted: Set<string> } {
    const st = this.statements(false);
    if (st === null) return { listed: new Set(), noted: new Set() };
    return st.db.transaction(() => ({
      listed: new Set(st.db.prepare<[], { name: string }>('SELECT name FROM packs').all().map((r) => r.name)),
      noted: new Set(st.db.prepare<[], { name: string }>('SELECT name FROM gc_packs').all().map((r) => r.name)),
    }))();
  }

  *hashes(): Generator<string> {
    const st = this.statements(false);
    if (st === null) return;
    for (const r of st.db.prepare<[], { sha256: string }>('SELECT sha256 FROM packed ORDER BY sha256').iterate()) yield r.sha256;
  }

  /** Up to `limit` names after `after`, in order: a page that holds no statement open between pages. */
  hashesAfter(after: string, limit: number): string[] {
    const st = this.statements(false);
    if (st === null) return [];
    return st.db.prepare<[string, number], { sha256: string }>('SELECT sha256 FROM packed WHERE sha256 > ? ORDER BY sha256 LIMIT ?').all(after, limit).map((r) => r.sha256);
  }

  /** Forgets a blob; its bytes stay in the pack as dead space. */
  remove(sha256: string): void {
    this.statements(false)?.remove.run(sha256);
  }

  private required(): Statements {
    const st = this.statements(true);
    if (st === null) throw new Error(`cannot open the pack index ${this.file}`);
    return st;
  }

  /** Runs SQLite's own check of the index file (a damaged one throws on open or here). */
  quickCheck(): string[] {
    const rows = this.required().db.pragma('quick_check') as { quick_check: string }[];
    return rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  }

  /** Adds blobs a scan of `pack` found that the index lacks; how many were added. */
  addFound(pack: string, blobs: readonly { sha256: string; offset: number; size: number }[]): number {
    const st = this.required();
    return st.db.transaction(() => {
      let added = 0;
      for (const b of blobs) added += st.insert.run(b.sha256, pack, b.offset, b.size).changes;
      if (added > 0) st.insertPack.run(pack);
      return added;
    })();
  }

  /** Blobs and live bytes per pack listed in `packs`. */
  packUse(): PackUse[] {
    const st = this.statements(false);
    if (st === null) return [];
    return st.db
      .prepare<[], PackUse>(
        'SELECT p.name AS pack, count(b.sha256) AS blobs, coalesce(sum(b.size), 0) AS bytes FROM packs p LEFT JOIN packed b ON b.pack = p.name GROUP BY p.name ORDER BY p.name',
      )
      .all();
  }

  /** The blobs the index places in `pack`, in the order of their bytes. */
  blobsIn(pack: string): PackedBlob[] {
    const st = this.statements(false);
    if (st === null) return [];
    return st.db.prepare<[string], PackedBlob>('SELECT sha256, pack, offset, size FROM packed WHERE pack = ? ORDER BY offset').all(pack);
  }

  /** gc's notes of its own packs (see the gc_packs table). */
  gcPacks(): { name: string; state: 'writing' | 'emptied' }[] {
    const st = this.statements(false);
    if (st === null) return [];
    return st.db.prepare<[], { name: string; state: 'writing' | 'emptied' }>('SELECT name, state FROM gc_packs').all();
  }

  noteGcPack(name: string, state: 'writing' | 'emptied' | null): void {
    const st = this.required();
    if (state === null) st.db.prepare<[string]>('DELETE FROM gc_packs WHERE name = ?').run(name);
    else st.db.prepare<[string, string]>('INSERT OR REPLACE INTO gc_packs (name, state) VALUES (?, ?)').run(name, state);
  }

  /**
   * In one transaction: the blobs gc copied into `target` are found there from now on (each only
   * if the index still places it where it was copied from), `target` becomes a pack like any
   * other, and the `emptied` packs leave the index, noted for removal.
   */
  moveBlobs(target: string | null, moved: readonly { sha256: string; from: string; offset: number }[], emptied: readonly string[]): void {
    const st = this.required();
    const move = st.db.prepare<[string, number, string, string]>('UPDATE packed SET pack = ?, offset = ? WHERE sha256 = ? AND pack = ?');
    const dropPack = st.db.prepare<[string]>('DELETE FROM packs WHERE name = ?');
    st.db.transaction(() => {
      if (target !== null) {
        st.insertPack.run(target);
        for (const m of moved) move.run(target, m.offset, m.sha256, m.from);
        this.noteGcPack(target, null);
      }
      for (const name of emptied) {
        dropPack.run(name);
        this.noteGcPack(name, 'emptied');
      }
    })();
  }

  /** Whether any blob is placed in `pack`. */
  holdsBlobs(pack: string): boolean {
    const st = this.statements(false);
    if (st === null) return false;
    return st.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM packed WHERE pack = ? LIMIT 1').get(pack) !== undefined;
  }

  /** Drops a pack that no blob is placed in from the list of packs. */
  forgetPack(pack: string): void {
    this.statements(false)?.db.prepare<[string]>('DELETE FROM packs WHERE name = ?').run(pack);
  }

  close(): void {
    this.open?.db.close();
    this.open = null;
  }
}
