/**
 * One pack file of a blob store: small blobs appended one after another, each behind its header
 * (pack-format.ts), found through the PackIndex. Only the BlobStore that created a pack ever
 * appends to it, and only until its first commit: a pack in the index never changes again, so
 * `textvault gc` can rewrite it while imports run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACK_HEADER_BYTES, packHeader } from './pack-format.js';

const fsyncAsync = promisify(fs.fsync);
const fdatasyncAsync = promisify(fs.fdatasync);

/**
 * Written bytes after which their flush to disk starts in the background: the commit's fsync
 * then waits for the last few MB instead of the whole pack (220 MB of MMS media: 130 ms).
 */
const FLUSH_BYTES = 32 * 1024 * 1024;

export const PACK_SUFFIX = '.pack';
/**
 * A pack's name until its first commit: no index row can refer to it yet, so one left by a crash
 * can be removed. A pack is never removed once it has its final name (see BlobStore.cleanTemp).
 */
export const UNPUBLISHED_SUFFIX = `${PACK_SUFFIX}.tmp`;

/**
 * Appended bytes are gathered into writes of this size: base64 decodes media a few KB at a time,
 * and a write system call per piece cost the MMS import a tenth of its time.
 */
const BUFFER_BYTES = 1024 * 1024;

export class PackFile {
  /** Bytes appended (the last `buffered` of them still in `buffer`). */
  size = 0;
  private fd: number | null;
  /** The file may hold bytes past `size`, left by rewind(). */
  private stale = false;
  private unflushed = 0;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  /** The background flush in progress; a failed one stays here for sync() to report. */
  private flushing: Promise<void> | null = null;

  /** Where the pack is now: its unpublished name until publish(). */
  file: string;
  private isPublished = false;

  private constructor(
    /** Its final name in the pack folder, which the index refers to. */
    readonly name: string,
    private readonly dir: string,
    suffix: string,
  ) {
    this.file = path.join(dir, `${name}${suffix}`);
    // 'wx+': the name is new, so no other store can be appending to this file; read back by readFrom.
    this.fd = fs.openSync(this.file, 'wx+', 0o600);
    this.write(packHeader());
  }

  /** A new, empty pack with a name no other store will pick; `suffix` names it until publish(). */
  static create(dir: string, suffix = '.tmp'): PackFile {
    return new PackFile(`${Date.now().toString(36)}-${randomBytes(6).toString('hex')}${PACK_SUFFIX}`, dir, suffix);
  }

  /** Whether any blob was appended (past the pack's own header). */
  get hasBlobs(): boolean {
    return this.size > PACK_HEADER_BYTES;
  }

  get published(): boolean {
    return this.isPublished;
  }

  /**
   * Gives the pack its final name, before the index first refers to it; true when it was renamed
   * now (the folder's entry must then reach the disk).
   */
  publish(): boolean {
    if (this.isPublished) return false;
    const final = path.join(this.dir, this.name);
    fs.renameSync(this.file, final);
    this.file = final;
    this.isPublished = true;
    return true;
  }

  /** Appends one piece of the blob being streamed in (see BlobStore.begin). */
  write(chunk: Buffer): void {
    if (this.buffered + chunk.length > BUFFER_BYTES) this.writeBuffer();
    if (chunk.length >= BUFFER_BYTES) {
      this.writeAt(chunk, this.size);
    } else {
      chunk.copy(this.buffer, this.buffered);
      this.buffered += chunk.length;
    }
    this.size += chunk.length;
  }

  /**
   * Overwrites bytes already appended (a blob's header, once its hash is known), wherever they
   * are: still in `buffer`, or written out.
   */
  patch(position: number, bytes: Buffer): void {
    if (position < 0 || position + bytes.length > this.size) throw new Error(`patch of ${this.file} outside its ${this.size} bytes`);
    const inBuffer = this.size - this.buffered;
    const onDisk = Math.max(0, Math.min(bytes.length, inBuffer - position));
    if (onDisk > 0) {
      const fd = this.openFd();
      let done = 0;
      while (done < onDisk) done += fs.writeSync(fd, bytes, done, onDisk - done, position + done);
    }
    if (onDisk < bytes.length) bytes.copy(this.buffer, position + onDisk - inBuffer, onDisk);
  }

  /** Writes out what `buffer` holds. */
  private writeBuffer(): void {
    if (this.buffered === 0) return;
    const length = this.buffered;
    this.buffered = 0;
    this.writeAt(this.buffer.subarray(0, length), this.size - length);
  }

  private writeAt(bytes: Buffer, position: number): void {
    const fd = this.openFd();
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
    this.unflushed += bytes.length;
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
    this.writeBuffer();
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
    const inBuffer = this.size - this.buffered;
    if (size >= inBuffer) {
      this.buffered = size - inBuffer;
    } else {
      this.buffered = 0;
      this.stale = true;
    }
    this.size = size;
  }


  /** Makes what was appended durable (on the thread pool). */
  async sync(): Promise<void> {
    this.writeBuffer();
    const fd = this.openFd();
    if (this.stale) fs.ftruncateSync(fd, this.size);
    this.stale = false;
    await this.flushing;
    await fsyncAsync(fd);
    this.unflushed = 0;
  }

  /** Removes the pack: no index row refers to it (a pack is closed at its first commit). */
  rollBack(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }

  /** Closes the file; appended bytes not synced are written, not made durable. */
  close(): void {
    if (this.fd !== null) this.writeBuffer();
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`pack ${this.file} is already closed`);
    return this.fd;
  }
}
