/**
 * One pack file of a blob store: small blobs appended one after another, found through the
 * PackIndex. Only the BlobStore that created a pack ever appends to it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fs.fsync);
const fdatasyncAsync = promisify(fs.fdatasync);

/**
 * Written bytes after which their flush to disk starts in the background: the commit's fsync
 * then waits for the last few MB instead of the whole pack (220 MB of MMS media: 130 ms).
 */
const FLUSH_BYTES = 32 * 1024 * 1024;

export const PACK_SUFFIX = '.pack';

export class PackFile {
  /** Bytes written. */
  size = 0;
  /** Bytes covered by a commit of the index: a discard truncates the pack back to this. */
  committed = 0;
  private fd: number | null;
  /** The file may hold bytes past `size`, left by rewind(). */
  private stale = false;
  private unflushed = 0;
  /** The background flush in progress; a failed one stays here for sync() to report. */
  private flushing: Promise<void> | null = null;

  private constructor(
    readonly name: string,
    readonly file: string,
  ) {
    // 'wx+': the name is new, so no other store can be appending to this file; read back by readFrom.
    this.fd = fs.openSync(file, 'wx+');
  }

  /** A new, empty pack with a name no other store will pick. */
  static create(dir: string): PackFile {
    const name = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}${PACK_SUFFIX}`;
    return new PackFile(name, path.join(dir, name));
  }

  /** Appends one piece of the blob being streamed in (see BlobStore.begin). */
  write(chunk: Buffer): void {
    const fd = this.openFd();
    let done = 0;
    while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done, this.size + done);
    this.size += chunk.length;
    this.unflushed += chunk.length;
    if (this.unflushed >= FLUSH_BYTES && this.flushing === null) this.startFlush(fd);
  }

  private startFlush(fd: number): void {
    this.unflushed = 0;
    const flush = fdatasyncAsync(fd);
    this.flushing = flush;
    flush.then(
      () => {
        if (this.flushing === flush) this.flushing = null;
      },
      () => undefined,
    );
  }

  /** The bytes at [offset, this.size), to move a blob that outgrew packs into a file of its own. */
  readFrom(offset: number): Buffer {
    const buffer = Buffer.allocUnsafe(this.size - offset);
    let at = 0;
    while (at < buffer.length) {
      const n = fs.readSync(this.openFd(), buffer, at, buffer.length - at, offset + at);
      if (n === 0) throw new Error(`${this.file} ends before byte ${offset + at}`);
      at += n;
    }
    return buffer;
  }

  /** Forgets the bytes past `size` (a blob that turned out to be stored already); the next write overwrites them. */
  rewind(size: number): void {
    this.size = size;
    this.stale = true;
  }

  /** Something was written, or rewound, since the last commit. */
  get changed(): boolean {
    return this.size !== this.committed || this.stale;
  }

  /** Makes what was appended durable (on the thread pool). */
  async sync(): Promise<void> {
    const fd = this.openFd();
    if (this.stale) fs.ftruncateSync(fd, this.size);
    this.stale = false;
    await this.flushing;
    await fsyncAsync(fd);
    this.unflushed = 0;
  }

  /** Drops what was appended since the last commit; a pack that never held a commit is removed. */
  rollBack(): void {
    if (this.committed === 0) {
      this.close();
      fs.rmSync(this.file, { force: true });
    } else if (this.fd !== null) {
      fs.ftruncateSync(this.fd, this.committed);
      this.size = this.committed;
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`pack ${this.file} is already closed`);
    return this.fd;
  }
}
