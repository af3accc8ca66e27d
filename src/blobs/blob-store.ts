/**
 * The embedded media store (the MediaStore of media-store.ts, whose contract this keeps): content-
 * addressed media in the vault's `blobs/` folder, found by SHA-256. Two layouts, chosen by size:
 *
 * - Small blobs (up to SPOOL_BYTES: nearly all MMS media) are appended to pack files,
 *   `blobs/packs/<name>.pack`, and found through the pack index (pack-index.ts). Creating a file
 *   costs this machine's file system about 400 us of kernel time, more than writing 40 KB: 5,436
 *   pictures took 2.5 s as files and 0.2 s as one pack (measured, fsync included), and the MMS
 *   import spent more time creating files than doing anything else.
 * - Bigger blobs stream to `blobs/tmp/` while they are hashed and become `blobs/ab/cd/<sha256>`.
 *   Vaults written before packs existed hold every blob this way; both are read alike.
 *
 * Staging: a blob is written (appended to this store's pack, or streamed to its temp file) as
 * soon as its hash is known and it is not stored yet. The import calls `commitStaged()` right
 * before it commits the database: it fsyncs the packs and temp files, renames the big blobs into
 * place, fsyncs the directories and commits the pack index. So a database row never points at a
 * blob that is not safely on disk. A failed import calls `discardStaged()`: temp files and the
 * packs it wrote are removed (a pack is closed at its first commit and never appended to again).
 * A crash leaves only temp files, unpublished packs (the next import removes both: cleanTemp), or
 * published packs no index row refers to (a kill between publishing a pack and committing the
 * index): the next import indexes their blobs before it looks up any media, so its re-run writes
 * none of them again, and removes such a pack if all of them are stored elsewhere (adoptUnindexed).
 * Packs describe themselves (pack-format.ts), so a lost index is rebuilt from them
 * (rebuildIndex); compaction and the rest of gc's work on packs: pack-maintenance.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { BlobWriter, writeFully } from './blob-writer.js';
import type { BlobCheck, BlobInfo, BlobSink, ByteRange, HandedOverBlob, LocalMediaLocation, MediaStore, PackMaintenance } from './media-store.js';
import { PackIndex, type PackedBlob } from './pack-index.js';
import { PACK_SUFFIX, PackFile, UNPUBLISHED_SUFFIX } from './pack-file.js';
import {
  adoptUnindexed,
  compact,
  finishInterrupted,
  rebuildIndex,
  sweepUnindexed,
  type CompactOptions,
  type CompactReport,
  type IndexRebuild,
  type UnindexedSweep,
} from './pack-maintenance.js';
import { PackStreamWriter, type PackStreamHost } from './pack-stream-writer.js';

export { SPOOL_BYTES } from './blob-writer.js';
export type { BlobCheck, BlobInfo, BlobSink } from './media-store.js';

const fsyncAsync = promisify(fs.fsync);
const openAsync = promisify(fs.open);
const closeAsync = promisify(fs.close);

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The first level of the folders blobs of their own are in (pathFor). */
const LOOSE_DIR = /^[0-9a-f]{2}$/;
const READ_CHUNK_BYTES = 1024 * 1024;
/** Names list() reads from the pack index at a time. */
const LIST_PAGE = 10_000;
/** A pack that reached this size is closed and a new one started (files stay easy to copy anywhere). */
const PACK_MAX_BYTES = 1024 * 1024 * 1024;
/**
 * gc merges packs below this size: a vault fed every few minutes (IMAP, a phone's uploads) gets a
 * small pack per import, and thousands of files cost a copy or a backup of the vault more than
 * their bytes.
 */
const SMALL_PACK_BYTES = 64 * 1024 * 1024;
/** gc rewrites a pack once more than this share of it is bytes no index row points to. */
const DEAD_SHARE = 0.25;

/** A blob staged for the next commit: in a pack, or in a temp file of its own. */
export type StagedBlob = { sha256: string; pack: string; offset: number; size: number } | { sha256: string; tmpPath: string };

/** Where a stored blob's bytes are. */
type Location = { file: string; offset: number; size: number } | { file: string; offset?: undefined; size?: undefined };

export class BlobStore implements MediaStore, PackMaintenance {
  private readonly tmpDir: string;
  private readonly packDir: string;
  private readonly index: PackIndex;
  private readonly staged = new Map<string, StagedBlob>();
  /** fsyncs of staged temp files, started as they are staged so they overlap with the import. */
  private syncing: Promise<void>[] = [];
  /** The pack this store appends to. */
  private pack: PackFile | null = null;
  /** Packs of this store that filled up since the last commit: synced and closed at the commit. */
  private full: PackFile[] = [];
  /** Packs another thread wrote for this import (see adopt). */
  private adopted = new Set<string>();
  /** A blob is streaming into the pack: another one begun meanwhile goes to a file of its own. */
  private streaming = false;
  /**
   * Whether any blob is a file of its own (blobs/ab/...). A vault that never had a blob over
   * SPOOL_BYTES has none, and then `has` needs no stat per new blob (a syscall each: 0.1-0.14 s
   * of a 26,000-message MMS import). Read when the store opens and again by beginImport, so the
   * next import sees files another process added meanwhile.
   */
  private looseFiles: boolean;
  private readonly host: PackStreamHost = {
    done: (sha256, pack, offset, size) => {
      if (size === 0) return this.stage(sha256, this.tmpName(), []);
      if (this.isStored(sha256)) return false;
      this.staged.set(sha256, { sha256, pack: pack.name, offset, size });
      return true;
    },
    spill: () => this.fileWriter(),
    release: () => {
      this.streaming = false;
    },
  };

  private readonly packMaxBytes: number;

  constructor(
    readonly root: string,
    options: { packMaxBytes?: number } = {},
  ) {
    this.packMaxBytes = options.packMaxBytes ?? PACK_MAX_BYTES;
    this.tmpDir = path.join(root, 'tmp');
    this.packDir = path.join(root, 'packs');
    // Owner-only: the media of private messages (mkdir's mode, like open's, applies to what it creates).
    fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.packDir, { recursive: true, mode: 0o700 });
    this.index = new PackIndex(path.join(this.packDir, 'index.db'));
    this.looseFiles = this.findLooseFiles();
  }

  get location(): LocalMediaLocation {
    return { backend: 'local', dir: this.root };
  }

  /** This store's pack upkeep (the methods below, local-only: see PackMaintenance). */
  get packs(): PackMaintenance {
    return this;
  }

  private findLooseFiles(): boolean {
    return fs.readdirSync(this.root).some((name) => LOOSE_DIR.test(name));
  }

  /**
   * Every import calls this first, under the vault's import lock: it removes what an interrupted
   * import left (cleanTemp) and looks again at what other processes may have added since this
   * store opened. The pack index is opened, and made if there is none yet: the import looks up
   * every new blob there, and an index that is not there would be looked for on disk each time.
   * An import then calls adoptUnindexedPacks; gc does not (its sweep keeps only what the archive
   * registers).
   */
  beginImport(): Promise<number> {
    this.looseFiles = this.findLooseFiles();
    this.index.create();
    return Promise.resolve(this.cleanTemp());
  }

  /**
   * Indexes the blobs of published packs no index row refers to that are not stored elsewhere, and
   * removes such packs that hold none (see pack-maintenance.ts adoptUnindexed). Format 1 packs
   * are kept. Only under the import lock, after beginImport, before anything is looked up or staged.
   */
  adoptUnindexedPacks(): UnindexedSweep {
    return adoptUnindexed(this.packDir, this.index, (sha) => this.isStored(sha));
  }

  /**
   * Removes temp files and unpublished packs left by an interrupted import. Only call when no
   * import is running. Published packs are never removed here (see adoptUnindexedPacks).
   */
  cleanTemp(): number {
    let removed = 0;
    for (const name of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, name), { force: true });
      removed++;
    }
    for (const name of fs.readdirSync(this.packDir)) {
      const file = path.join(this.packDir, name);
      if (!name.endsWith(UNPUBLISHED_SUFFIX) || file === this.pack?.file) continue;
      fs.rmSync(file, { force: true });
      removed++;
    }
    return removed;
  }

  /** Pack files no index row refers to (see cleanTemp). */
  unindexedPacks(): string[] {
    const indexed = this.index.packs();
    return fs.readdirSync(this.packDir).filter((name) => name.endsWith(PACK_SUFFIX) && !indexed.has(name));
  }

  /**
   * Where a blob stored as a file of its own is (or would be). Local-only and for src/blobs/ and
   * its tests: nothing else may know where a blob is (test/repository/media-seam.test.ts).
   */
  pathFor(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 blob name: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): Promise<boolean> {
    return Promise.resolve(this.isStored(sha256));
  }

  /** `has`, synchronously: the import asks for every blob it writes (see looseFiles). */
  private isStored(sha256: string): boolean {
    return this.staged.has(sha256) || this.index.locate(sha256) !== undefined || (this.looseFiles && fs.existsSync(this.pathFor(sha256)));
  }

  /**
   * A writer for the next blob. Media arrive one after another, so it nearly always streams into
   * this store's pack; one begun while another is still open holds its bytes and gets a file.
   */
  begin(): BlobSink {
    if (this.streaming) return this.fileWriter();
    this.streaming = true;
    return new PackStreamWriter(this.packFor(), this.host);
  }

  private fileWriter(): BlobWriter {
    return new BlobWriter(this.tmpName(), (sha256, tmpPath, held) => this.stage(sha256, tmpPath, held));
  }

  private tmpName(): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  /** Writes a whole buffer (small media, tests). */
  putBuffer(bytes: Buffer): BlobInfo {
    const w = this.begin();
    w.write(bytes);
    return w.finish();
  }

  /**
   * Stages a blob that gets a file of its own: `held` are its bytes when they are still in memory
   * (no file yet): an empty blob, or one written while another streamed into the pack.
   */
  private stage(sha256: string, tmpPath: string, held: Buffer[] | null): boolean {
    if (this.isStored(sha256)) {
      if (held === null) fs.rmSync(tmpPath, { force: true });
      return false;
    }
    if (held !== null) {
      const fd = fs.openSync(tmpPath, 'wx', 0o600);
      try {
        for (const b of held) writeFully(fd, b);
      } finally {
        fs.closeSync(fd);
      }
    }
    this.staged.set(sha256, { sha256, tmpPath });
    const sync = fsyncFile(tmpPath);
    // Errors are kept in the promise and surface in commitStaged(), before anything is committed.
    sync.catch(() => undefined);
    this.syncing.push(sync);
    return true;
  }

  private packFor(): PackFile {
    if (this.pack !== null && this.pack.size >= this.packMaxBytes) {
      this.full.push(this.pack);
      this.pack = null;
    }
    this.pack ??= PackFile.create(this.packDir);
    return this.pack;
  }

  get stagedCount(): number {
    return this.staged.size;
  }

  /** Makes every staged blob durable and findable. */
  async commitStaged(): Promise<void> {
    await this.syncPacks();
    const loose: { sha256: string; tmpPath: string }[] = [];
    const packed: PackedBlob[] = [];
    for (const b of this.staged.values()) {
      if ('pack' in b) packed.push(b);
      else loose.push(b);
    }
    await this.placeLoose(loose);
    this.index.add(packed);
    // A pack another thread wrote whose blobs were all here already.
    const used = new Set(packed.map((b) => b.pack));
    for (const name of this.adopted) if (!used.has(name)) fs.rmSync(path.join(this.packDir, name), { force: true });
    for (const p of this.full) p.close();
    this.full = [];
    // A pack the index refers to is never appended to again (see PackFile): the next import starts a new one.
    if (this.pack?.published === true) {
      this.pack.close();
      this.pack = null;
    }
    this.adopted.clear();
    this.staged.clear();
    this.streaming = false;
  }

  /**
   * Waits for the temp files' fsyncs, fsyncs this store's packs, and publishes new ones (their
   * final names reach the disk before any index row refers to them).
   */
  private async syncPacks(): Promise<void> {
    const syncing = this.syncing;
    this.syncing = [];
    await Promise.all(syncing);
    const packs = [...this.full, ...(this.pack?.hasBlobs === true ? [this.pack] : [])];
    await Promise.all(packs.map((p) => p.sync()));
    let renamed = false;
    for (const p of packs) if (p.hasBlobs && p.publish()) renamed = true;
    if (renamed) await fsyncFile(this.packDir);
  }

  /** Renames big blobs into place; the new names, and folders mkdir made (blobs/ab), reach the disk. */
  private async placeLoose(loose: readonly { sha256: string; tmpPath: string }[]): Promise<void> {
    const dirs = new Map<string, Promise<unknown>>();
    await inParallel(loose, async ({ sha256, tmpPath }) => {
      const final = this.pathFor(sha256);
      const dir = path.dirname(final);
      let made = dirs.get(dir);
      if (made === undefined) {
        made = fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
        dirs.set(dir, made);
      }
      await made;
      await fs.promises.rename(tmpPath, final);
      this.looseFiles = true;
    });
    const parents = new Set([...dirs.keys()].map((d) => path.dirname(d)));
    await inParallel([...dirs.keys(), ...parents], fsyncFile);
    if (dirs.size > 0) await fsyncFile(this.root);
  }

  /**
   * Makes every staged blob durable where it was written and gives them up: another thread
   * wrote them (an import's reader worker) and the importing thread adopts them. This store's
   * packs are closed; it starts new ones if it stages again.
   */
  async handOver(): Promise<StagedBlob[]> {
    await this.syncPacks();
    const entries = [...this.staged.values()];
    this.staged.clear();
    for (const p of this.full) p.close();
    this.full = [];
    // A pack begun for a blob that never finished holds nothing of use.
    if (this.pack?.published === false) this.pack.rollBack();
    else this.pack?.close();
    this.pack = null;
    this.streaming = false;
    return entries;
  }

  /**
   * Takes blobs another thread staged and made durable (see handOver) into this store's commit.
   * They crossed a thread: anything not naming this store's packs or temp files is refused.
   */
  adopt(blobs: readonly HandedOverBlob[]): void {
    for (const b of blobs.map(asStaged)) {
      if ('pack' in b) {
        if (path.basename(b.pack) !== b.pack || !b.pack.endsWith(PACK_SUFFIX)) throw new Error(`not a pack of this store: ${b.pack}`);
        this.adopted.add(b.pack);
        if (!this.isStored(b.sha256)) this.staged.set(b.sha256, b);
        continue;
      }
      if (path.dirname(b.tmpPath) !== this.tmpDir) throw new Error(`not a staged blob of this store: ${b.tmpPath}`);
      if (this.isStored(b.sha256)) fs.rmSync(b.tmpPath, { force: true });
      else this.staged.set(b.sha256, b);
    }
  }

  /** Drops every staged blob (the import failed). */
  discardStaged(): void {
    for (const b of this.staged.values()) if (!('pack' in b)) fs.rmSync(b.tmpPath, { force: true });
    for (const p of this.full) p.rollBack();
    this.full = [];
    this.pack?.rollBack();
    this.pack = null;
    for (const name of this.adopted) fs.rmSync(path.join(this.packDir, name), { force: true });
    this.adopted.clear();
    this.staged.clear();
    this.syncing = [];
    // A writer the failed reader left open never writes again.
    this.streaming = false;
  }

  /**
   * Opens the file a blob is in. A packed blob whose pack was removed between the look-up and the
   * open (gc moved it to a new pack meanwhile) is looked up again; the open descriptor then keeps
   * the bytes readable whatever gc does next.
   */
  private openLocated(sha256: string): { fd: number; at: Location } {
    let at = this.locate(sha256);
    for (let attempt = 0; ; attempt++) {
      try {
        return { fd: fs.openSync(at.file, 'r'), at };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || at.offset === undefined || attempt > 0) throw e;
        const again = this.locate(sha256);
        if (again.file === at.file) throw e;
        at = again;
      }
    }
  }

  private locate(sha256: string): Location {
    const packed = this.index.locate(sha256);
    if (packed !== undefined) return { file: path.join(this.packDir, packed.pack), offset: packed.offset, size: packed.size };
    return { file: this.pathFor(sha256) };
  }

  /** Where a blob's bytes are, for messages to the user. */
  describe(sha256: string): string {
    const at = this.locate(sha256);
    return at.offset === undefined ? at.file : `${at.file} (bytes ${at.offset}-${at.offset + at.size - 1})`;
  }

  size(sha256: string): Promise<number | undefined> {
    const packed = this.index.locate(sha256);
    if (packed !== undefined) return Promise.resolve(packed.size);
    return fs.promises.stat(this.pathFor(sha256)).then(
      (s) => s.size,
      (e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      },
    );
  }

  /** A blob's bytes, or the inclusive byte range `range` of them. */
  openRead(sha256: string, range?: ByteRange): Readable {
    let opened: { fd: number; at: Location };
    try {
      opened = this.openLocated(sha256);
    } catch (e) {
      // As a read stream reports it: the caller handles the stream's error.
      const failed = new Readable({ read: () => undefined });
      process.nextTick(() => failed.destroy(e as Error));
      return failed;
    }
    return readLocated(opened.fd, opened.at, range);
  }

  /**
   * The bytes of a blob in chunks of at most 1 MiB, each in a buffer of its own. A blob of up to
   * 1 MiB (most MMS media) is read at once, synchronously, into a buffer of its size: its reader
   * waits for it anyway, and each trip through the thread pool cost more than the read itself
   * (the 1 MiB buffer a read stream allocated per blob was worse still: mostly garbage collection).
   */
  async *chunks(sha256: string): AsyncGenerator<Buffer> {
    const { fd, at } = this.openLocated(sha256);
    try {
      const size = at.size ?? fs.fstatSync(fd).size;
      if (size <= READ_CHUNK_BYTES) {
        const buffer = readAt(fd, at.offset ?? 0, size);
        if (buffer.length > 0) yield buffer;
        return;
      }
    } finally {
      fs.closeSync(fd);
    }
    const handle = await fs.promises.open(at.file, 'r');
    try {
      let position = at.offset ?? 0;
      const end = at.size === undefined ? Infinity : position + at.size;
      while (position < end) {
        const length = Math.min(READ_CHUNK_BYTES, end - position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead > 0) yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
        // A short read of a regular file is its end.
        if (bytesRead < length) break;
        position += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }

  /** Re-hashes a stored blob. */
  async check(sha256: string, expectedSize?: number): Promise<BlobCheck> {
    let opened: { fd: number; at: Location };
    try {
      opened = this.openLocated(sha256);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw e;
    }
    const at = opened.at;
    // A pack cut before the blob (a disk that lost the end of a file) has none of it.
    if (at.offset !== undefined && at.size > 0 && fs.fstatSync(opened.fd).size <= at.offset) {
      fs.closeSync(opened.fd);
      return { status: 'missing' };
    }
    let size = 0;
    const hash = createHash('sha256');
    try {
      for await (const chunk of readLocated(opened.fd, at)) {
        const b = chunk as Buffer;
        size += b.length;
        hash.update(b);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw e;
    }
    const actual = hash.digest('hex');
    if (actual !== sha256) return { status: 'corrupt', actual, size };
    if (expectedSize !== undefined && size !== expectedSize) return { status: 'corrupt', actual, size };
    return { status: 'ok', size };
  }

  /**
   * Every stored blob's name (not temp files): packed ones, then files of their own. The index is
   * read a page at a time, so the caller may use the store (and gc forget blobs) between names.
   */
  async *list(): AsyncGenerator<string> {
    for (let after = ''; ; ) {
      const page = this.index.hashesAfter(after, LIST_PAGE);
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < LIST_PAGE) break;
      after = last;
    }
    for (const a of await readdirOrNone(this.root)) {
      if (a.length !== 2) continue;
      for (const b of await readdirOrNone(path.join(this.root, a))) {
        for (const name of await readdirOrNone(path.join(this.root, a, b))) {
          if (SHA256_HEX.test(name)) yield name;
        }
      }
    }
  }

  /**
   * Adds every blob the packs' headers describe and the index lacks (a lost or damaged index).
   * Only while no import and no gc runs (vault/repair.ts takes both locks).
   */
  rebuildIndex(): IndexRebuild {
    return rebuildIndex(this.packDir, this.index);
  }

  /** Removes what a gc killed in the middle left; only while no other gc runs. */
  finishInterruptedGc(): number {
    this.index.create();
    return finishInterrupted(this.packDir, this.index);
  }

  /** See pack-maintenance.ts sweepUnindexed; only while no import runs. */
  sweepUnindexedPacks(wanted: (sha256: string) => boolean): UnindexedSweep {
    return sweepUnindexed(this.packDir, this.index, (sha) => this.isStored(sha), wanted);
  }

  /** Rewrites packs with dead space, of the old format, or small, into new packs; only while no other gc runs. */
  compactPacks(options: Partial<CompactOptions> = {}): Promise<CompactReport> {
    return compact(this.packDir, this.index, {
      packMaxBytes: this.packMaxBytes,
      smallPackBytes: SMALL_PACK_BYTES,
      deadShare: DEAD_SHARE,
      ...options,
    });
  }

  /** Forgets a blob; a packed blob's bytes stay in its pack as dead space (gc's compaction reclaims them). Resolves to the bytes of a file removed. */
  delete(sha256: string): Promise<number> {
    this.index.remove(sha256);
    const file = this.pathFor(sha256);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return Promise.resolve(0);
    }
    fs.rmSync(file, { force: true });
    return Promise.resolve(size);
  }

  /** Closes the pack index and this store's pack (nothing staged may be left). */
  close(): void {
    // A pack begun for media that were all stored already holds nothing: an import that re-read
    // them (the re-run after a crash, the crash campaign found) left it as *.pack.tmp until the next import.
    if (this.pack?.published === false) this.pack.rollBack();
    else this.pack?.close();
    this.pack = null;
    this.index.close();
  }
}

/** What handOver gave, checked field by field (it came through postMessage). */
function asStaged(b: HandedOverBlob): StagedBlob {
  const { sha256, pack, offset, size, tmpPath } = b;
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a blob name: ${sha256}`);
  if (typeof pack === 'string' && typeof offset === 'number' && typeof size === 'number') return { sha256, pack, offset, size };
  if (typeof tmpPath === 'string') return { sha256, tmpPath };
  throw new Error(`not a staged blob of a local store: ${JSON.stringify(b)}`);
}

/** Operations the commit keeps in flight: enough to keep the disk busy, not one per blob at once. */
const PARALLEL_FS_OPS = 32;

/** Runs `op` on every item, at most PARALLEL_FS_OPS at a time; rejects with the first failure. */
async function inParallel<T>(items: readonly T[], op: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await op(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FS_OPS, items.length) }, worker));
}

/** Streams from an open descriptor (closed at the stream's end or failure). */
function readLocated(fd: number, at: Location, range?: { start: number; end: number }): Readable {
  const base = at.offset ?? 0;
  const last = at.size === undefined ? Infinity : at.size - 1;
  const start = base + (range?.start ?? 0);
  const end = base + Math.min(range?.end ?? last, last);
  if (end < start) {
    fs.closeSync(fd);
    return Readable.from([]);
  }
  return fs.createReadStream(at.file, { fd, autoClose: true, highWaterMark: 1 << 20, start, ...(end === Infinity ? {} : { end }) });
}

/** Up to `size` bytes at `position` (fewer if the file ends first). */
function readAt(fd: number, position: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = fs.readSync(fd, buffer, at, size - at, position + at);
    if (n === 0) break;
    at += n;
  }
  return at === size ? buffer : buffer.subarray(0, at);
}

async function fsyncFile(p: string): Promise<void> {
  const fd = await openAsync(p, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    await closeAsync(fd);
  }
}

function readdirOrNone(dir: string): Promise<string[]> {
  return fs.promises.readdir(dir).catch(() => []);
}

