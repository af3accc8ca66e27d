/**
 * Content-addressed blobs as S3 objects (key layout: object-keys.ts). Every operation streams:
 * uploads go up in parts of PART_BYTES with at most QUEUE_PARTS in flight, reads and re-hashing
 * come down as the response body arrives, listings are paged; nothing holds a whole blob.
 *
 * Two ways in:
 * - `putFile(file, sha256)`: the bytes are in a local file whose hash is known (the media store's
 *   spool, media-store.ts: backup readers write synchronously, so bytes are spooled and hashed
 *   before any network call). The object goes straight to its final key after a HEAD says it is
 *   not there: no temp key and no server-side copy. Each part is a stream of its byte range of the
 *   file, so an upload holds no part in memory. The file is hashed again while it is sent, and an
 *   object whose bytes turn out not to match its name is removed at once.
 * - `putStream(readable)`: a stream that cannot be read twice and whose hash nobody knows yet (a
 *   migration from another store, an HTTP upload). It is hashed while it is uploaded to a temp key
 *   (`tmp/<random>`); once the hash is known it is copied server-side to its final key (or found
 *   there already) and the temp object is removed. A copy costs the server a few metadata writes
 *   (RGW shares the copied tail), and no bytes pass the client twice.
 * Either way an existing blob object is never written again (write-once): the same name means the
 * same bytes, so two writers racing for one name store the same thing.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobCheck, ByteRange } from '../media-store.js';
import { ObjectKeys } from './object-keys.js';

/** Multipart part size: S3's minimum is 5 MiB; 8 MiB keeps a 600 MB upload at 75 parts. */
const PART_BYTES = 8 * 1024 * 1024;
/** Parts in flight per upload: memory per upload is about PART_BYTES * (QUEUE_PARTS + 1). */
const QUEUE_PARTS = 2;
/** S3's most parts per multipart upload: bigger files get bigger parts. */
const MAX_PARTS = 10_000;
/** S3's limit for a single CopyObject; bigger objects are copied part by part (UploadPartCopy). */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 * 1024 * 1024;
/** Presigned URLs live this long unless the caller asks for less: enough to start a download. */
const PRESIGN_SECONDS = 300;
const MAX_PRESIGN_SECONDS = 3600;

/** What an upload did: whether it stored new bytes, and the blob's name and size. */
export interface PutResult {
  sha256: string;
  size: number;
  stored: boolean;
}

export interface S3ObjectsOptions {
  /** Objects above this size are copied part by part (tests lower it; S3 allows 5 GiB). */
  maxSingleCopyBytes?: number;
  /** Size of an upload's parts and of a part-by-part copy's parts (S3 needs at least 5 MiB). */
  partBytes?: number;
  /** Keys per listing page (S3's most and default: 1,000; tests lower it to see paging work). */
  listPageSize?: number;
}

/** The bytes sent for a blob did not hash to its name (a local file changed while it was sent). */
export class BlobIntegrityError extends Error {
  override name = 'BlobIntegrityError';
}

function errorName(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;
}

function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('$metadata' in e)) return undefined;
  const meta = e.$metadata;
  return typeof meta === 'object' && meta !== null && 'httpStatusCode' in meta && typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

function isNotFound(e: unknown): boolean {
  const name = errorName(e);
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(e) === 404;
}

/** As a file read reports a missing file: the media route and exports handle code ENOENT. */
function missing(what: string, cause?: unknown): NodeJS.ErrnoException {
  return Object.assign(new Error(`${what} is not stored`, { cause }), { code: 'ENOENT' });
}

/**
 * Hashes what passes through. (Its count is not named `size`: lib-storage takes a body's `size`
 * property for its length, and a count that starts at 0 made it expect a 0-part upload.)
 */
class Hasher extends Transform {
  private readonly hash = createHash('sha256');
  hashedBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.hashedBytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Spool files up to this size are read whole and sent from memory (putFile). */
const SMALL_FILE_BYTES = 1024 * 1024;

export class S3Objects {
  readonly keys: ObjectKeys;
  private readonly maxSingleCopyBytes: number;
  private readonly partBytes: number;
  private readonly listPageSize: number | undefined;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    prefix: string,
    options: S3ObjectsOptions = {},
  ) {
    this.keys = new ObjectKeys(prefix);
    this.maxSingleCopyBytes = options.maxSingleCopyBytes ?? MAX_SINGLE_COPY_BYTES;
    this.partBytes = options.partBytes ?? PART_BYTES;
    this.listPageSize = options.listPageSize;
  }

  /** `s3://bucket/key` of a blob, for messages to the person running verify. */
  describe(sha256: string): string {
    return `s3://${this.bucket}/${this.keys.blob(sha256)}`;
  }

  /** The size of a stored blob, or undefined when there is none. */
  async size(sha256: string): Promise<number | undefined> {
    return this.headKey(this.keys.blob(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  private async headKey(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async upload(key: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: this.partBytes,
      queueSize: QUEUE_PARTS,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  /**
   * Stores a local file whose SHA-256 is known, unless the blob is stored already. Parts are read
   * from the file by range as they are sent (nothing buffered: a part is a file stream), while a
   * second, sequential read hashes the file, so bytes that changed since they were hashed are found.
   */
  async putFile(file: string, sha256: string): Promise<PutResult> {
    const key = this.keys.blob(sha256);
    const existing = await this.headKey(key);
    if (existing !== undefined) return { sha256, size: existing, stored: false };
    const { size } = await fs.promises.stat(file);
    if (size <= SMALL_FILE_BYTES) {
      // Read whole and sent as one buffer, as putBuffer does: streaming a small file (a body stream
      // and a second read to hash it) made an import of 1,800 MMS whose photos waited in spool
      // files take twice the time and CPU of the same blobs sent from memory.
      const bytes = await fs.promises.readFile(file);
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== sha256) throw new BlobIntegrityError(`${file} hashed to ${actual}, not ${sha256}: the file changed after it was written; nothing was uploaded`);
      await this.upload(key, Readable.from([bytes]));
      return { sha256, size, stored: true };
    }
    // Settled at once so that a failed read is not an unhandled rejection while the upload runs.
    const hashing = hashFile(file).then(
      (actual) => ({ actual }),
      (error: unknown) => ({ error }),
    );
    try {
      if (size <= this.partBytes) {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }));
      } else {
        await this.uploadFileParts(key, file, size);
      }
    } finally {
      await hashing;
    }
    const hashed = await hashing;
    if ('error' in hashed) throw hashed.error;
    if (hashed.actual.sha256 !== sha256 || hashed.actual.size !== size) {
      await this.deleteKey(key);
      throw new BlobIntegrityError(`${file} hashed to ${hashed.actual.sha256} while it was uploaded as ${sha256}: the file changed after it was written; the upload was removed`);
    }
    return { sha256, size, stored: true };
  }

  /** A multipart upload of a file, QUEUE_PARTS parts in flight, each streamed from its byte range. */
  private async uploadFileParts(key: string, file: string, size: number): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (UploadId === undefined) throw new Error(`S3 gave no upload id for ${key}`);
    const partBytes = Math.max(this.partBytes, Math.ceil(size / MAX_PARTS));
    const count = Math.ceil(size / partBytes);
    const parts: CompletedPart[] = new Array<CompletedPart>(count);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const start = i * partBytes;
        const end = Math.min(size, start + partBytes) - 1;
        const res = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId,
            PartNumber: i + 1,
            Body: fs.createReadStream(file, { start, end }),
            ContentLength: end - start + 1,
          }),
        );
        parts[i] = { PartNumber: i + 1, ETag: res.ETag };
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(QUEUE_PARTS, count) }, worker));
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (e) {
      next = count;
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  /** Stores bytes already in memory (small blobs), unless the blob is stored already. */
  async putBuffer(bytes: Buffer): Promise<PutResult> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = this.keys.blob(sha256);
    const existing = await this.headKey(key);
    if (existing !== undefined) return { sha256, size: existing, stored: false };
    await this.upload(key, Readable.from([bytes]));
    return { sha256, size: bytes.length, stored: true };
  }

  /** Stores a stream read once, hashing it on the way up (see the top of this file). */
  async putStream(source: Readable): Promise<PutResult> {
    const tmpKey = this.keys.tmp(randomUUID());
    const hasher = new Hasher();
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const piping = pipeline(source, hasher, body);
    try {
      await Promise.all([this.upload(tmpKey, body), piping]);
      const sha256 = hasher.digest();
      const size = hasher.hashedBytes;
      const key = this.keys.blob(sha256);
      const existing = await this.headKey(key);
      if (existing !== undefined) return { sha256, size: existing, stored: false };
      await this.copy(tmpKey, key, size);
      return { sha256, size, stored: true };
    } catch (e) {
      body.destroy();
      source.destroy();
      throw e;
    } finally {
      await this.deleteKey(tmpKey);
    }
  }

  private async copy(from: string, to: string, size: number): Promise<void> {
    const CopySource = `${this.bucket}/${from}`;
    if (size <= this.maxSingleCopyBytes) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource }));
      return;
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to }));
    if (UploadId === undefined) throw new Error(`S3 gave no upload id for ${to}`);
    try {
      const parts: CompletedPart[] = [];
      const partBytes = Math.max(this.partBytes, Math.ceil(size / MAX_PARTS));
      for (let start = 0, n = 1; start < size; start += partBytes, n++) {
        const end = Math.min(size, start + partBytes) - 1;
        const res = await this.client.send(
          new UploadPartCopyCommand({ Bucket: this.bucket, Key: to, UploadId, PartNumber: n, CopySource, CopySourceRange: `bytes=${start}-${end}` }),
        );
        parts.push({ PartNumber: n, ETag: res.CopyPartResult?.ETag });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  /**
   * A blob's bytes, or the inclusive range of them, streamed as they arrive. Never throws: a
   * missing blob fails the stream with code ENOENT; a range that starts past the end is empty.
   */
  openRead(sha256: string, range?: ByteRange): Readable {
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    const key = this.keys.blob(sha256);
    if (range !== undefined && (range.end < range.start || range.start < 0)) {
      out.end();
      return out;
    }
    const Range = range === undefined ? undefined : `bytes=${range.start}-${range.end}`;
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range }))
      .then(async (res) => {
        const body = res.Body;
        if (!(body instanceof Readable)) throw new Error(`S3 GetObject gave no stream for ${key}`);
        await pipeline(body, out);
      })
      .catch((e: unknown) => {
        if (isNotFound(e)) out.destroy(missing(this.describe(sha256), e));
        // 416: the range starts past the end of the blob, which reads as no bytes.
        else if (httpStatus(e) === 416 || errorName(e) === 'InvalidRange') out.end();
        else out.destroy(e instanceof Error ? e : new Error(String(e)));
      });
    return out;
  }

  /** Re-hashes a stored blob as it is read. */
  async check(sha256: string, expectedSize?: number): Promise<BlobCheck> {
    const hasher = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of this.openRead(sha256)) {
        const b = chunk as Buffer;
        hasher.update(b);
        size += b.length;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw e;
    }
    const actual = hasher.digest('hex');
    if (actual !== sha256 || (expectedSize !== undefined && size !== expectedSize)) return { status: 'corrupt', actual, size };
    return { status: 'ok', size };
  }

  /** Every stored blob's name, one listing page (1,000 keys) at a time. */
  async *list(): AsyncGenerator<string> {
    for await (const key of this.listKeys(this.keys.root)) {
      const name = this.keys.blobOf(key);
      if (name !== undefined) yield name;
    }
  }

  private async *listKeys(prefix: string): AsyncGenerator<string> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken, MaxKeys: this.listPageSize }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  /** Removes a blob; answers the bytes it freed (0 when it was not there). */
  async delete(sha256: string): Promise<number> {
    const key = this.keys.blob(sha256);
    const size = await this.headKey(key);
    if (size === undefined) return 0;
    await this.deleteKey(key);
    return size;
  }

  private async deleteKey(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /**
   * Removes what interrupted uploads left under the prefix: unfinished multipart uploads and temp
   * objects. Only while no upload to this prefix runs (the import lock). Answers how many went.
   */
  async cleanTemp(): Promise<number> {
    let removed = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.keys.root, KeyMarker, UploadIdMarker }));
      for (const u of page.Uploads ?? []) {
        if (u.Key === undefined || u.UploadId === undefined) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId })).catch((e: unknown) => {
          if (errorName(e) !== 'NoSuchUpload') throw e;
        });
        removed++;
      }
      const more = page.IsTruncated === true;
      KeyMarker = more ? page.NextKeyMarker : undefined;
      UploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker !== undefined);
    for await (const key of this.listKeys(this.keys.tmpPrefix)) {
      await this.deleteKey(key);
      removed++;
    }
    return removed;
  }

  /**
   * A URL that fetches the blob without credentials until it expires (default 5 minutes, at most
   * an hour): the web app's media can come straight from the object store.
   */
  async presignedGet(sha256: string, options: { expiresInSeconds?: number; contentType?: string; fileName?: string } = {}): Promise<string> {
    const expiresIn = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.floor(options.expiresInSeconds ?? PRESIGN_SECONDS)));
    const disposition = options.fileName === undefined ? undefined : `inline; filename*=UTF-8''${encodeURIComponent(options.fileName)}`;
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: this.keys.blob(sha256), ResponseContentType: options.contentType, ResponseContentDisposition: disposition }),
      { expiresIn },
    );
  }
}
