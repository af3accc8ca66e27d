/**
 * Content-addressed media files: `blobs/ab/cd/<sha256>`.
 *
 * A blob is written to `blobs/tmp/` while it is hashed, then staged; its fsync starts right away
 * on libuv's thread pool, overlapping with the rest of the import. The import calls
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
    return new BlobWriter(tmp, (sha256, tmpPath) => this.stage(sha256, tmpPath));
  }

  /** Writes a whole buffer (small media, tests). */
  putBuffer(bytes: Buffer): BlobInfo {
    const w = this.begin();
    w.write(bytes);
    return w.finish();
  }

  private stage(sha256: string, tmpPath: string): boolean {
    if (this.has(sha256)) {
      fs.rmSync(tmpPath, { force: true });
      return false;
    }
    this.staged.set(sha256, tmpPath);
    // Errors are kept in the promise and surface in commitStaged(), before anything is committed.
    const sync = fsyncFile(tmpPath);
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
    const dirs = new Set<string>();
    for (const [sha256, tmp] of entries) {
      const final = this.pathFor(sha256);
      const dir = path.dirname(final);
      if (!dirs.has(dir)) fs.mkdirSync(dir, { recursive: true });
      dirs.add(dir);
      fs.renameSync(tmp, final);
    }
    for (const dir of dirs) await fsyncFile(dir);
    if (dirs.size > 0) await fsyncFile(this.root);
    this.staged.clear();
  }

  /** Drops every staged blob (the import failed). */
  discardStaged(): void {
    for (const tmp of this.staged.values()) fs.rmSync(tmp, { force: true });
    this.staged.clear();
    this.syncing = [];
  }

  openRead(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathFor(sha256), { highWaterMark: 1 << 20 });
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
  private fd: number | null;
  private readonly hash: Hash = createHash('sha256');
  private size = 0;

  constructor(
    private readonly tmpPath: string,
    private readonly onDone: (sha256: string, tmpPath: string) => boolean,
  ) {
    this.fd = fs.openSync(tmpPath, 'wx');
  }

  write(bytes: Buffer): void {
    if (this.fd === null) throw new Error('blob writer already closed');
    if (bytes.length === 0) return;
    this.hash.update(bytes);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off);
    this.size += bytes.length;
  }

  finish(): BlobInfo {
    if (this.fd === null) throw new Error('blob writer already closed');
    fs.closeSync(this.fd);
    this.fd = null;
    const sha256 = this.hash.digest('hex');
    const isNew = this.onDone(sha256, this.tmpPath);
    return { sha256, size: this.size, isNew };
  }

  abort(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.tmpPath, { force: true });
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
