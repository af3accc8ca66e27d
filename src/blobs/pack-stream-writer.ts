/**
 * Streams a blob straight into the store's pack as its bytes arrive, hashing them on the way:
 * nothing is held in memory or copied. Its header (pack-format.ts) goes first as zeros and is
 * filled in once the hash is known. If the bytes turn out to be stored already, the pack is
 * rewound over header and bytes; if the blob outgrows SPOOL_BYTES, what was written moves to a
 * file of its own (a BlobWriter) and the rest follows it there.
 */
import { createHash } from 'node:crypto';
import { SPOOL_BYTES, type BlobWriter } from './blob-writer.js';
import type { BlobInfo, BlobSink } from './media-store.js';
import type { PackFile } from './pack-file.js';
import { BLOB_HEADER_BYTES, blobHeader } from './pack-format.js';

export type { BlobSink } from './media-store.js';

export interface PackStreamHost {
  /** Stages the blob at [offset, offset + size) of `pack`; false when it was stored already (the writer then rewinds the pack). */
  done(sha256: string, pack: PackFile, offset: number, size: number): boolean;
  /** A writer to a file of its own, for a blob too big for packs. */
  spill(): BlobWriter;
  /** This writer no longer writes to the pack; the next blob may. */
  release(): void;
}

/** A header not filled in yet: a scan stops at it (its magic number is missing). */
const EMPTY_HEADER = Buffer.alloc(BLOB_HEADER_BYTES);

export class PackStreamWriter implements BlobSink {
  private readonly hash = createHash('sha256');
  /** Where the blob's header is. */
  private readonly start: number;
  /** Where its bytes begin. */
  private readonly dataStart: number;
  private size = 0;
  private file: BlobWriter | null = null;
  private closed = false;

  constructor(
    private readonly pack: PackFile,
    private readonly host: PackStreamHost,
  ) {
    this.start = pack.size;
    pack.write(EMPTY_HEADER);
    this.dataStart = pack.size;
  }

  write(bytes: Buffer): void {
    if (this.closed) throw new Error('blob writer already closed');
    if (bytes.length === 0) return;
    if (this.file !== null) {
      this.file.write(bytes);
      return;
    }
    if (this.size + bytes.length > SPOOL_BYTES) {
      const file = this.host.spill();
      if (this.size > 0) file.write(this.pack.readFrom(this.dataStart));
      this.pack.rewind(this.start);
      this.host.release();
      this.file = file;
      file.write(bytes);
      return;
    }
    this.hash.update(bytes);
    this.pack.write(bytes);
    this.size += bytes.length;
  }

  finish(): BlobInfo {
    if (this.closed) throw new Error('blob writer already closed');
    this.closed = true;
    if (this.file !== null) return this.file.finish();
    const sha256 = this.hash.digest('hex');
    try {
      const isNew = this.host.done(sha256, this.pack, this.dataStart, this.size);
      // An empty blob becomes a file of its own: nothing of it stays in the pack.
      if (isNew && this.size > 0) this.pack.patch(this.start, blobHeader(sha256, this.size));
      else this.pack.rewind(this.start);
      return { sha256, size: this.size, isNew };
    } finally {
      this.host.release();
    }
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.file !== null) {
      this.file.abort();
      return;
    }
    this.pack.rewind(this.start);
    this.host.release();
  }
}
