/**
 * `textvault snapshot`: a consistent copy of a vault that may be importing meanwhile.
 *
 * The moment the snapshot holds is fixed by read transactions (read-snapshot.ts), begun in the
 * order the import commits in reverse: the archive first, then the pack index (an import commits
 * the index before the archive, so the index read after holds every blob the archive refers to),
 * then the list of media files (renamed into place before either commit). Packs are only ever
 * appended to and their committed bytes never change, so each is copied up to its size when
 * listed, which covers every blob the index copy names; bytes past what the index names are
 * dead space, as in the vault. Imports run on: the only lock taken is gc's (vault/gc.ts), which
 * keeps `textvault gc` from removing or compacting packs and media files while they are copied;
 * a running gc is waited for. Every pack the index lists is sealed (nothing appends to a pack
 * after its first commit), and packs still being written (`.pack.tmp`) are not copied.
 *
 * Embedded vaults only: it copies the files of the SQLite archive and of the local media store
 * (blobs/local-files.ts, the one sanctioned look at blob files outside src/blobs/).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_MEDIA_DIR, localMediaFiles, PACK_INDEX_FILE, packEndsOf } from '../../blobs/local-files.js';
import { CONTROL_DB_FILE } from '../control.js';
import { acquireLockWaiting, processAlive, type VaultLock } from '../lock.js';
import { SECRET_KEY_FILE } from '../secrets.js';
import { MEDIA_LOCATION_KEY, storedMediaUrl } from '../media-location.js';
import { DB_FILE, VaultNotFoundError } from '../vault.js';
import { SnapshotError } from './errors.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, type SnapshotFile, type SnapshotManifest } from './manifest.js';
import { pruneSnapshots } from './prune.js';
import { FrozenDatabase } from './read-snapshot.js';
import { DB_CHUNK_BYTES, newSnapshotId, type SnapshotRepository } from './repository.js';
import { recordSnapshot } from './status.js';
import { storeFile, type StoreTally } from './store-file.js';

export const PACK_INDEX_PATH = `${LOCAL_MEDIA_DIR}/${PACK_INDEX_FILE}`;
const GC_WAIT_MS = 30 * 60 * 1000;

export interface SnapshotOptions {
  /** Keep this many snapshots (the newest), pruning older ones after this one is written. */
  keep?: number;
  now?: Date;
  /** Called after each file: for a progress bar. */
  onFile?: (done: number, total: number) => void;
  /** How long to wait for a running `textvault gc` (default 30 minutes). */
  gcWaitMs?: number;
  /** Test hook: called once the databases are copied, before the media (to import meanwhile). */
  afterDatabases?: () => Promise<void>;
}

export interface SnapshotResult {
  id: string;
  files: number;
  /** Bytes of the vault the snapshot holds. */
  bytes: number;
  /** What this snapshot added to the folder (the rest it shares with the snapshots before). */
  addedObjects: number;
  addedBytes: number;
  seconds: number;
  counts: SnapshotManifest['counts'];
  pruned: string[];
}

export async function takeSnapshot(vaultDir: string, repo: SnapshotRepository, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const started = performance.now();
  const dir = path.resolve(vaultDir);
  if (!fs.existsSync(path.join(dir, DB_FILE))) throw new VaultNotFoundError(dir);
  const local = repo.storage.localWorkDir;
  if (local !== undefined) {
    const rel = path.relative(dir, repo.dir);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)))
      throw new SnapshotError(`${repo.dir} is inside the vault ${dir}: keep snapshots outside it, on another disk if you can`);
  }
  // Copies of the databases are made here before they are cut into chunks: in the snapshot
  // folder (cleaned under its lock) or, for a bucket, in a folder of the vault's own (not its
  // tmp/, which every import empties when it starts).
  const workDir = local ?? path.join(dir, SNAPSHOT_WORK_DIR);
  const lock = await repo.lock();
  let gcLock: VaultLock | undefined;
  try {
    gcLock = await acquireLockWaiting(dir, 'gc', { timeoutMs: options.gcWaitMs ?? GC_WAIT_MS });
    const now = options.now ?? new Date();
    if (local === undefined) sweepWorkCopies(workDir);
    const id = newSnapshotId(now, (await repo.snapshotIds()).at(-1));
    const tally: StoreTally = { bytes: 0, addedObjects: 0, addedBytes: 0 };
    const files: SnapshotFile[] = [];
    const frozen: FrozenDatabase[] = [];
    let counts: SnapshotManifest['counts'];
    let packEnds = new Map<string, number>();
    try {
      const archive = await FrozenDatabase.open(path.join(dir, DB_FILE));
      frozen.push(archive);
      refuseRemoteMedia(archive);
      counts = countsOf(archive);
      const others: [string, FrozenDatabase][] = [];
      for (const rel of [CONTROL_DB_FILE, PACK_INDEX_PATH]) {
        if (!fs.existsSync(path.join(dir, rel))) continue;
        const f = await FrozenDatabase.open(path.join(dir, rel));
        frozen.push(f);
        others.push([rel, f]);
      }
      const index = others.find(([rel]) => rel === PACK_INDEX_PATH)?.[1];
      if (index !== undefined) packEnds = packEndsOf(index.db);
      const media = listMedia(dir);
      for (const [rel, f] of [[DB_FILE, archive] as const, ...others]) {
        fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
        const tmp = path.join(workDir, `${WORK_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
        try {
          await f.copyTo(tmp);
          files.push(await storeFile(repo, tmp, rel, tally, undefined, DB_CHUNK_BYTES));
        } finally {
          for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + suffix, { force: true });
        }
        options.onFile?.(files.length, media.length + others.length + 1);
      }
      for (const f of frozen.splice(0)) f.close();
      await options.afterDatabases?.();
      const total = media.length + others.length + 1;
      for (const m of media) {
        const file = path.join(dir, ...m.rel.split('/'));
        if (m.pack !== undefined && !packEnds.has(m.pack)) {
          // No index row refers to it: left by a killed import, which an import (it does not wait
          // for this gc lock) may take in or, holding nothing new, remove while this copies.
          const stored = await storeIfPresent(repo, file, m.rel, tally, m.size);
          if (stored !== undefined) files.push(stored);
        } else if (m.pack !== undefined) {
          const needed = packEnds.get(m.pack) ?? 0;
          if (m.size < needed) throw new SnapshotError(`${file} holds ${m.size} bytes but the pack index names media up to byte ${needed}; run textvault verify on the vault`);
          files.push(await storeFile(repo, file, m.rel, tally, m.size));
        } else {
          files.push(await storeFile(repo, file, m.rel, tally));
        }
        options.onFile?.(files.length, total);
      }
      const missing = [...packEnds.keys()].filter((p) => !media.some((m) => m.pack === p));
      if (missing.length > 0) throw new SnapshotError(`${path.join(dir, LOCAL_MEDIA_DIR, 'packs', missing[0] ?? '')} is missing, though the pack index names it; run textvault verify on the vault`);
    } finally {
      for (const f of frozen) f.close();
    }
    // With the keys of a rotation under way (secret-rotation.ts), so every sealed value opens after a restore.
    for (const name of [SECRET_KEY_FILE, `${SECRET_KEY_FILE}.next`, `${SECRET_KEY_FILE}.previous`]) {
      const secret = path.join(dir, name);
      if (fs.existsSync(secret)) files.push(await storeFile(repo, secret, name, tally));
    }
    const seconds = (performance.now() - started) / 1000;
    const manifest: SnapshotManifest = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, id, createdAt: now.toISOString(), vault: dir, seconds, counts, files };
    await repo.writeManifest(manifest);
    recordSnapshot(dir, { id, at: now.toISOString(), to: repo.dir, encrypted: repo.codec.encrypted, bytes: tally.bytes, addedBytes: tally.addedBytes, seconds, counts });
    const pruned = options.keep !== undefined ? await pruneSnapshots(repo, options.keep) : [];
    return { id, files: files.length, bytes: tally.bytes, addedObjects: tally.addedObjects, addedBytes: tally.addedBytes, seconds, counts, pruned };
  } finally {
    gcLock?.release();
    await lock.release();
  }
}

const WORK_PREFIX = 'snapshot-db-';
export const SNAPSHOT_WORK_DIR = 'snapshot-work';

/** Database copies in the vault that a killed snapshot to a bucket left behind. */
function sweepWorkCopies(workDir: string): void {
  for (const name of safeReaddir(workDir)) {
    if (!name.startsWith(WORK_PREFIX)) continue;
    const pid = Number(name.slice(WORK_PREFIX.length).split(/[-.]/)[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) continue;
    fs.rmSync(path.join(workDir, name), { force: true });
  }
}

/**
 * A vault whose media are in a bucket (media-location.ts) cannot be snapshotted whole from here:
 * the copy would hold the archive without its media, and a restore would name objects that the
 * bucket's own lifecycle may have removed by then.
 */
function refuseRemoteMedia(archive: FrozenDatabase): void {
  const row = archive.db.prepare<[string], { value: string }>('SELECT value FROM config WHERE key = ?').get(MEDIA_LOCATION_KEY);
  if (row === undefined) return;
  throw new SnapshotError(
    `this vault keeps its media in ${storedMediaUrl(row.value)}; snapshots copy a vault folder with its own media only, so they are not available for this vault yet. Back up the bucket with its own tools (versioning, replication)`,
  );
}

function countsOf(archive: FrozenDatabase): SnapshotManifest['counts'] {
  const n = (table: string): number => (archive.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0);
  return { messages: n('messages'), calls: n('calls'), blobs: n('blobs') };
}

/** storeFile, or undefined when the file is gone. */
async function storeIfPresent(repo: SnapshotRepository, file: string, rel: string, tally: StoreTally, size: number): Promise<SnapshotFile | undefined> {
  try {
    return await storeFile(repo, file, rel, tally, size);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The embedded media store's files (blobs/local-files.ts: local-only, like this whole snapshot,
 * which copies an embedded vault's files), named relative to the vault folder.
 */
function listMedia(dir: string): { rel: string; size: number; pack?: string }[] {
  return localMediaFiles(path.join(dir, LOCAL_MEDIA_DIR)).map((f) => ({ ...f, rel: `${LOCAL_MEDIA_DIR}/${f.rel}` }));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
