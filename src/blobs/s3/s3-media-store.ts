/**
 * The media store on S3-compatible object storage (the `s3` backend of media-store.ts): one object
 * per blob at `PREFIX/ab/cd/<sha256>` (object-keys.ts), written once, through S3Objects.
 *
 * Staging: backup readers write blobs synchronously (media-store.ts, "Writing"), so a blob cannot
 * go to the network as it is written. Its sink hashes the bytes and holds them in memory up to
 * SPOOL_BYTES, past that in a file in the location's local spool folder (BlobWriter, as the local
 * store's big blobs). Small blobs held in memory are bounded too: past HELD_BYTES in all they are
 * spilled to spool files, so an import of any number of MMS runs in bounded memory (6,000 MMS held
 * ~180 MB until the commit: 403 MB peak RSS). `commitStaged()` then uploads each staged blob whose object is not there yet,
 * a few at a time, each streamed from its spool file in parts: the hash is known before the upload
 * starts, so it goes straight to its final key (S3Objects.putFile; no temp key, no copy). A
 * 600 MB attachment therefore costs the import a 600 MB spool file and a few 8 MiB parts of memory.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { BlobWriter } from '../blob-writer.js';
import type { BlobCheck, BlobSink, ByteRange, HandedOverBlob, MediaStore } from '../media-store.js';
import { isSha256 } from './object-keys.js';
import { s3Client } from './s3-client.js';
import type { S3MediaLocation } from './s3-location.js';
import { S3Objects, type PutResult, type S3ObjectsOptions } from './s3-objects.js';

/** Uploads in flight during a commit: each holds a few parts in memory (s3-objects.ts). */
const COMMIT_CONCURRENCY = 4;

/**
 * In-memory bytes of staged blobs past which they go to spool files. Uploading them in the
 * background as they are staged was tried: in the import's reader thread, whose event loop the
 * parse keeps busy, it took twice the time and twice the CPU (7,800 records, 1,800 MMS: 18-19 s,
 * 11-12 CPU-s before; 35 s, 21-22 CPU-s with it).
 */
const HELD_BYTES = 16 * 1024 * 1024;

/** A staged blob: its bytes in memory (small) or in a spool file (big, or handed over by a worker). */
type Staged = { sha256: string; size: number; bytes: Buffer } | { sha256: string; size: number; file: string };

export class S3MediaStore implements MediaStore {
  readonly packs = null;
  readonly objects: S3Objects;
  private readonly client: S3Client;
  private readonly staged = new Map<string, Staged>();
  /** Blobs this store saw stored: `has` answers without a request, and `finish` says isNew false. */
  private readonly known = new Set<string>();
  /** Bytes of staged blobs held in memory. */
  private heldBytes = 0;

  constructor(
    readonly location: S3MediaLocation,
    options: S3ObjectsOptions = {},
  ) {
    this.client = s3Client(location);
    this.objects = new S3Objects(this.client, location.bucket, location.prefix, options);
    // Owner-only, as the local store's temp folder: the media of private messages.
    fs.mkdirSync(location.spoolDir, { recursive: true, mode: 0o700 });
  }

  private spoolFile(): string {
    return path.join(this.location.spoolDir, `${process.pid}-${randomUUID()}.blob`);
  }

  async beginImport(): Promise<number> {
    let removed = 0;
    for (const name of fs.readdirSync(this.location.spoolDir)) {
      if (!name.endsWith('.blob')) continue;
      const file = path.join(this.location.spoolDir, name);
      if ([...this.staged.values()].some((s) => 'file' in s && s.file === file)) continue;
      fs.rmSync(file, { force: true });
      removed++;
    }
    return removed + (await this.objects.cleanTemp());
  }

  begin(): BlobSink {
    const file = this.spoolFile();
    return new BlobWriter(file, (sha256, tmpPath, held) => {
      const size = held === null ? fs.statSync(tmpPath).size : held.reduce((n, b) => n + b.length, 0);
      if (this.staged.has(sha256) || this.known.has(sha256)) {
        if (held === null) fs.rmSync(tmpPath, { force: true });
        return false;
      }
      if (held === null) this.staged.set(sha256, { sha256, size, file: tmpPath });
      else {
        this.staged.set(sha256, { sha256, size, bytes: Buffer.concat(held) });
        this.heldBytes += size;
        if (this.heldBytes > HELD_BYTES) this.spill();
      }
      return true;
    });
  }

  /** Moves the staged blobs held in memory to spool files (synchronous: called from finish). */
  private spill(): void {
    for (const blob of this.staged.values()) {
      if (!('bytes' in blob)) continue;
      const file = this.spoolFile();
      fs.writeFileSync(file, blob.bytes, { mode: 0o600, flag: 'wx' });
      this.staged.set(blob.sha256, { sha256: blob.sha256, size: blob.size, file });
    }
    this.heldBytes = 0;
  }

  get stagedCount(): number {
    return this.staged.size;
  }

  async commitStaged(): Promise<void> {
    const queue = [...this.staged.values()];
    const failures: unknown[] = [];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        try {
          await this.upload(next);
        } catch (e) {
          failures.push(e);
          // Stop taking more: the import fails and discards what is staged.
          queue.length = 0;
        }
      }
    };
    await Promise.all(Array.from({ length: COMMIT_CONCURRENCY }, worker));
    if (failures.length > 0) throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
  }

  private async upload(blob: Staged): Promise<void> {
    let result: PutResult;
    if ('bytes' in blob) result = await this.objects.putBuffer(blob.bytes);
    else {
      result = await this.objects.putFile(blob.file, blob.sha256);
      fs.rmSync(blob.file, { force: true });
    }
    this.staged.delete(blob.sha256);
    if ('bytes' in blob) this.heldBytes -= blob.size;
    this.known.add(result.sha256);
  }

  discardStaged(): void {
    for (const blob of this.staged.values()) if ('file' in blob) fs.rmSync(blob.file, { force: true });
    this.staged.clear();
    this.heldBytes = 0;
  }

  /** Small blobs held in memory go to spool files: only a path can cross to another thread. */
  async handOver(): Promise<HandedOverBlob[]> {
    const out: HandedOverBlob[] = [];
    for (const blob of this.staged.values()) {
      let file: string;
      if ('file' in blob) file = blob.file;
      else {
        file = this.spoolFile();
        await fs.promises.writeFile(file, blob.bytes, { mode: 0o600, flag: 'wx' });
      }
      out.push({ sha256: blob.sha256, size: blob.size, file });
    }
    this.staged.clear();
    this.heldBytes = 0;
    return out;
  }

  adopt(blobs: readonly HandedOverBlob[]): void {
    for (const blob of blobs) {
      const { sha256, size, file } = blob;
      // It crossed a thread: only spool files of this location, under names this module makes.
      if (!isSha256(sha256) || typeof size !== 'number' || typeof file !== 'string' || path.dirname(file) !== path.resolve(this.location.spoolDir) || !file.endsWith('.blob')) {
        throw new Error(`cannot adopt ${JSON.stringify(blob)}: not a blob handed over by an S3 media store with spool folder ${this.location.spoolDir}`);
      }
      if (this.staged.has(sha256) || this.known.has(sha256)) fs.rmSync(file, { force: true });
      else this.staged.set(sha256, { sha256, size, file });
    }
  }

  async has(sha256: string): Promise<boolean> {
    if (this.staged.has(sha256) || this.known.has(sha256)) return true;
    const stored = await this.objects.has(sha256);
    if (stored) this.known.add(sha256);
    return stored;
  }

  size(sha256: string): Promise<number | undefined> {
    return this.objects.size(sha256);
  }

  openRead(sha256: string, range?: ByteRange): Readable {
    return this.objects.openRead(sha256, range);
  }

  async *chunks(sha256: string): AsyncGenerator<Buffer> {
    for await (const chunk of this.objects.openRead(sha256)) yield chunk as Buffer;
  }

  describe(sha256: string): string {
    return this.objects.describe(sha256);
  }

  check(sha256: string, expectedSize?: number): Promise<BlobCheck> {
    return this.objects.check(sha256, expectedSize);
  }

  list(): AsyncIterable<string> {
    return this.objects.list();
  }

  async delete(sha256: string): Promise<number> {
    this.known.delete(sha256);
    return this.objects.delete(sha256);
  }

  /** A URL that serves the blob without credentials for a few minutes (s3-objects.ts presignedGet). */
  presignedUrl(sha256: string, options: { expiresInSeconds?: number; contentType?: string; fileName?: string } = {}): Promise<string> {
    return this.objects.presignedGet(sha256, options);
  }

  close(): void {
    if (this.staged.size > 0) throw new Error(`S3 media store closed with ${this.staged.size} staged blob(s): commit or discard them first`);
    this.client.destroy();
  }
}
