/**
 * Content-addressed media files: `blobs/ab/cd/<sha256>`.
 *
 * A blob is written to `blobs/tmp/` while it is hashed, then staged; its fsync starts right away
 * on libuv's thread pool, overlapping with the rest of the import. Small blobs (most MMS media)
 * are held in memory until their hash is known and then written, fsynced and closed on the thread
 * pool too: creating a file while other files are being fsynced waits for the file system's
 * journal, and doing that on the main thread for every picture stalled the whole import. A
 * duplicate is recognised before anything is written. The import calls
 * `commitStaged()` right before it commits the database: it waits for those fsyncs, renames the
 * blobs into place and fsyncs the directories. So a database row never points at a blob that is
 * not safely on disk, and a crash before that leaves only temp files, which the next import
 * removes, or unreferenced blobs, which are harmless (verify counts them).
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fs.fsync);
const openAsync = promisify(fs.open);
const closeAsync = promisify(fs.close);

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A blob up to this size is held in memory until it is complete; a bigger one streams to its file. */
export const SPOOL_BYTES = 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
/** Held blobs waiting to be written, at most; past this a blob is written at once (memory bound). */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** A blob written and fsynced under a temp name, waiting for the import's commit. */
export interface StagedBlob {
  sha256: string;
  tmpPath: string;
}

export interface BlobInfo {
  sha256: string;
  size: number;
  /** False when the same bytes were already in the store (or staged by this import). */
  isNew: boolean;
}

export class BlobStore {
  private readonly tmpDir: string;
  private readonly staged = new Map<string, string>();
  /** fsyncs started as blobs are staged, so they overlap with the rest of the import. */
  private syncing: Promise<void>[] = [];
  /** Held blobs being written on the thread pool, by temp path. */
  private readonly writing = new Map<string, Promise<void>>();
  private pendingBytes = 0;
  private removing: Promise<void>[] = [];

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  /** Removes temp files left by an interrupted write. Only call when no import is running. */
  cleanTemp(): number {
    let removed = 0;
    for (const name of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, name), { force: true });
      removed++;
    }
    return removed;
  }

  pathFor(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 blob name: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): boolean {
    return this.staged.has(sha256) || fs.existsSync(this.pathFor(sha256));
  }

  begin(): BlobWriter {
    const tmp = path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    return new BlobWriter(tmp, (sha256, tmpPath, held, size) => this.stage(sha256, tmpPath, held, size));
  }

  /** Writes a whole buffer (small media, tests). */
  putBuffer(bytes: Buffer): BlobInfo {
    const w = this.begin();
    w.write(bytes);
    return w.finish();
  }

  /** `held`: the blob's bytes when they are still in memory (no file yet). */
  private stage(sha256: string, tmpPath: string, held: Buffer[] | null, size: number): boolean {
    if (this.has(sha256)) {
      if (held === null) fs.rmSync(tmpPath, { force: true });
      return false;
    }
    this.staged.set(sha256, tmpPath);
    let sync: Promise<void>;
    if (held === null) {
      sync = fsyncFile(tmpPath);
    } else if (this.pendingBytes + size <= MAX_PENDING_BYTES) {
      this.pendingBytes += size;
      sync = writeDurably(tmpPath, held).finally(() => {
        this.pendingBytes -= size;
      });
      this.writing.set(tmpPath, sync);
    } else {
      writeAll(tmpPath, held);
      sync = fsyncFile(tmpPath);
    }
    // Errors are kept in the promise and surface in commitStaged(), before anything is committed.
    sync.catch(() => undefined);
    this.syncing.push(sync);
    return true;
  }

  get stagedCount(): number {
    return this.staged.size;
  }

  /** Makes every staged blob durable under its final name. */
  async commitStaged(): Promise<void> {
    const entries = [...this.staged];
    const syncing = this.syncing;
    this.syncing = [];
    await Promise.all(syncing);
    this.writing.clear();
    // On the thread pool, many at a time: thousands of small media each need a mkdir and a rename.
    const dirs = new Map<string, Promise<unknown>>();
    await inParallel(entries, async ([sha256, tmp]) => {
      const final = this.pathFor(sha256);
      const dir = path.dirname(final);
      let made = dirs.get(dir);
      if (made === undefined) {
        made = fs.promises.mkdir(dir, { recursive: true });
        dirs.set(dir, made);
      }
      await made;
      await fs.promises.rename(tmp, final);
    });
    // The new names, and the folders mkdir may have created (blobs/ab), reach the disk too.
    const parents = new Set([...dirs.keys()].map((d) => path.dirname(d)));
    await inParallel([...dirs.keys(), ...parents], fsyncFile);
    if (dirs.size > 0) await fsyncFile(this.root);
    this.staged.clear();
  }

  /**
   * Waits until every staged blob is durable in its temp file and gives them up: another thread
   * wrote them (an import's reader worker) and the importing thread adopts them.
   */
  async handOver(): Promise<StagedBlob[]> {
    const syncing = this.syncing;
    this.syncing = [];
    await Promise.all(syncing);
    this.writing.clear();
    const entries = [...this.staged].map(([sha256, tmpPath]) => ({ sha256, tmpPath }));
    this.staged.clear();
    return entries;
  }

  /** Takes blobs another thread staged and made durable (see handOver) into this store's commit. */
  adopt(blobs: readonly StagedBlob[]): void {
    for (const b of blobs) {
      if (!SHA256_HEX.test(b.sha256) || path.dirname(b.tmpPath) !== this.tmpDir) throw new Error(`not a staged blob of this store: ${b.tmpPath}`);
      if (this.has(b.sha256)) fs.rmSync(b.tmpPath, { force: true });
      else this.staged.set(b.sha256, b.tmpPath);
    }
  }

  /** Drops every staged blob (the import failed). */
  discardStaged(): void {
    for (const tmp of this.staged.values()) {
      fs.rmSync(tmp, { force: true });
      // A held blob still being written would otherwise appear after this; cleanTemp() is the backstop.
      const writing = this.writing.get(tmp);
      if (writing !== undefined) {
        this.removing.push(
          writing.then(ignore, ignore).then(() => {
            fs.rmSync(tmp, { force: true });
          }),
        );
      }
    }
    this.writing.clear();
    this.staged.clear();
    this.syncing = [];
  }

  /** Resolves when the temp files of discarded blobs that were still being written are gone. */
  async settled(): Promise<void> {
    const removing = this.removing;
    this.removing = [];
    await Promise.allSettled(removing);
  }

  openRead(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathFor(sha256), { highWaterMark: 1 << 20 });
  }

  /**
   * The bytes of a blob in chunks of at most 1 MiB, each in a buffer of its own. A blob of up to
   * 1 MiB (most MMS media) is read at once, synchronously, into a buffer of its size: its reader
   * waits for it anyway, and each trip through the thread pool cost more than the read itself
   * (the 1 MiB buffer a read stream allocated per blob was worse still: mostly garbage collection).
   */
  async *chunks(sha256: string): AsyncGenerator<Buffer> {
    const file = this.pathFor(sha256);
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= READ_CHUNK_BYTES) {
        const buffer = Buffer.allocUnsafe(size);
        let at = 0;
        while (at < size) {
          const n = fs.readSync(fd, buffer, at, size - at, null);
          if (n === 0) break;
          at += n;
        }
        if (at > 0) yield at === size ? buffer : buffer.subarray(0, at);
        return;
      }
    } finally {
      fs.closeSync(fd);
    }
    const handle = await fs.promises.open(file, 'r');
    try {
      for (;;) {
        const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK_BYTES, null);
        if (bytesRead > 0) yield bytesRead === READ_CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
        // A short read of a regular file is its end.
        if (bytesRead < READ_CHUNK_BYTES) break;
      }
    } finally {
      await handle.close();
    }
  }

  /** Re-hashes a stored blob. */
  async check(sha256: string, expectedSize?: number): Promise<BlobCheck> {
    const file = this.pathFor(sha256);
    let size = 0;
    const hash = createHash('sha256');
    try {
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
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

  /** Every blob name on disk (not temp files). */
  *list(): Generator<string> {
    for (const a of safeReaddir(this.root)) {
      if (a.length !== 2) continue;
      for (const b of safeReaddir(path.join(this.root, a))) {
        for (const name of safeReaddir(path.join(this.root, a, b))) {
          if (SHA256_HEX.test(name)) yield name;
        }
      }
    }
  }

  remove(sha256: string): void {
    fs.rmSync(this.pathFor(sha256), { force: true });
  }
}

export type BlobCheck =
  | { status: 'ok'; size: number }
  | { status: 'missing' }
  | { status: 'corrupt'; actual: string; size: number };

export class BlobWriter {
  private fd: number | null = null;
  /** The bytes so far while they fit in SPOOL_BYTES; null once they went to the file. */
  private held: Buffer[] | null = [];
  private closed = false;
  private readonly hash: Hash = createHash('sha256');
  private size = 0;

  constructor(
    private readonly tmpPath: string,
    private readonly onDone: (sha256: string, tmpPath: string, held: Buffer[] | null, size: number) => boolean,
  ) {}

  write(bytes: Buffer): void {
    if (this.closed) throw new Error('blob writer already closed');
    if (bytes.length === 0) return;
    this.hash.update(bytes);
    this.size += bytes.length;
    if (this.held !== null && this.size <= SPOOL_BYTES) {
      // A copy: the caller may reuse its buffer.
      this.held.push(Buffer.from(bytes));
      return;
    }
    if (this.fd === null) {
      this.fd = fs.openSync(this.tmpPath, 'wx');
      for (const b of this.held ?? []) writeFully(this.fd, b);
      this.held = null;
    }
    writeFully(this.fd, bytes);
  }

  finish(): BlobInfo {
    if (this.closed) throw new Error('blob writer already closed');
    this.closed = true;
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    const sha256 = this.hash.digest('hex');
    const isNew = this.onDone(sha256, this.tmpPath, this.held, this.size);
    this.held = null;
    return { sha256, size: this.size, isNew };
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = null;
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.tmpPath, { force: true });
  }
}

const ignore = (): void => undefined;

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

function writeFully(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off);
}

function writeAll(file: string, chunks: Buffer[]): void {
  const fd = fs.openSync(file, 'wx');
  try {
    for (const b of chunks) writeFully(fd, b);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates the file, writes it, fsyncs it and closes it, all on the thread pool. */
async function writeDurably(file: string, chunks: Buffer[]): Promise<void> {
  const handle = await fs.promises.open(file, 'wx');
  try {
    for (const b of chunks) {
      let off = 0;
      while (off < b.length) off += (await handle.write(b, off)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncFile(p: string): Promise<void> {
  const fd = await openAsync(p, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    await closeAsync(fd);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
