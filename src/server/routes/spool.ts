/**
 * Writing an upload's body to a spool file in the vault, within a size limit and the disk's free
 * space: refused before a byte is read when its Content-Length says so, else stopped as soon as
 * the count passes the limit. A failed or refused upload leaves no file behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uploadFileName } from '../../vault/jobs/upload-names.js';
import { ApiError } from '../errors.js';

/**
 * Kept free on the vault's disk beyond the upload itself: the import that follows writes
 * database pages, its journal and media next to it.
 */
export const FREE_SPACE_RESERVE = 64 * 1024 ** 2;

export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
}

/** Bytes the current user may still write under `dir` (created when missing); undefined when unknown. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const s = await fs.promises.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export function tooLarge(limit: number, setting: string): ApiError {
  return new ApiError(413, 'too_large', `the upload is larger than this vault accepts (${limit} bytes; setting ${setting}); nothing was kept`);
}

/**
 * Refuses an upload whose declared size is over `limit` (413) or does not fit the disk with
 * FREE_SPACE_RESERVE to spare (507), before its body is read.
 */
export async function checkDeclaredSize(declared: number | undefined, limit: number, dir: string, setting: string): Promise<void> {
  if (declared === undefined) return;
  if (declared > limit) throw tooLarge(limit, setting);
  const free = await freeBytes(dir);
  if (free !== undefined && declared + FREE_SPACE_RESERVE > free)
    throw new ApiError(507, 'insufficient_storage', `the vault's disk has ${free} bytes free, too few for this ${declared}-byte upload and the import after it; nothing was kept`);
}

/** Counts bytes through the stream into `counted` and fails once they pass the limit. */
function byteLimit(limit: number, counted: { n: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      counted.n += chunk.length;
      if (counted.n > limit) done(new TooLargeError(`more than ${limit} bytes`));
      else done(null, chunk);
    },
  });
}

/**
 * Streams `body` to a new file in `dir`; returns its path. Removes the partial file on any failure.
 * `counted` is shared by the parts of one multipart request, so the limit holds for them together.
 */
export async function spoolBody(body: Readable, dir: string, limit: number, counted = { n: 0 }): Promise<string> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  // Named for this process: a crash before the job is queued leaves a file the next start removes.
  const file = path.join(dir, uploadFileName());
  try {
    await pipeline(body, byteLimit(limit, counted), fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return file;
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    throw e;
  }
}

/** The API error for a spool that failed: too large, disk full, or the client went away. */
export function spoolFailure(e: unknown, limit: number, setting: string): ApiError {
  if (e instanceof TooLargeError) return tooLarge(limit, setting);
  if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return new ApiError(507, 'insufficient_storage', "the vault's disk is full; the upload was not kept");
  // Stream errors carry Node's wording (aborted, ECONNRESET ...): say what happened instead.
  return new ApiError(400, 'upload_failed', 'the upload did not complete (the connection was closed or stalled); nothing was kept');
}

/** The request's Content-Length as a number, or undefined (chunked or absent). */
export function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) ? n : undefined;
}
