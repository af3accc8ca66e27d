/**
 * Hashes a blob as its bytes arrive: up to SPOOL_BYTES it holds them in memory (they go to a pack
 * once the hash is known), past that it streams them to a temp file (a blob of its own).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import type { BlobInfo } from './media-store.js';

/** A blob up to this size is held in memory until it is complete; a bigger one streams to its file. */
export const SPOOL_BYTES = 1024 * 1024;

export type { BlobInfo } from './media-store.js';

/** Called once the blob is complete: `held` are its bytes when they never went to `tmpPath`. */
export type BlobDone = (sha256: string, tmpPath: string, held: Buffer[] | null) => boolean;

export class BlobWriter {
  private fd: number | null = null;
  /** The bytes so far while they fit in SPOOL_BYTES; null once they went to the file. */
  private held: Buffer[] | null = [];
  private closed = false;
  private readonly hash: Hash = createHash('sha256');
  private size = 0;

  constructor(
    private readonly tmpPath: string,
    private readonly onDone: BlobDone,
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
      this.fd = fs.openSync(this.tmpPath, 'wx', 0o600);
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
    const isNew = this.onDone(sha256, this.tmpPath, this.held);
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

export function writeFully(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off);
}
