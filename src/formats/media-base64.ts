/**
 * Media bytes pulled from a MediaSource, checked against their recorded size and SHA-256 while
 * they pass (a damaged blob must not reach a phone unnoticed), optionally as base64 text.
 */
import { createHash } from 'node:crypto';
import type { StoredMedia } from './records.js';
import type { MediaSource } from './sbr/writer.js';

export class MediaMismatchError extends Error {
  override readonly name = 'MediaMismatchError';
}

export async function* verifiedMedia(source: MediaSource, media: StoredMedia): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source.open(media.sha256)) {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    hash.update(b);
    size += b.length;
    yield b;
  }
  const sha = hash.digest('hex');
  if (size !== media.size || sha !== media.sha256) {
    throw new MediaMismatchError(`media ${media.sha256} is damaged in the vault (read ${size} bytes hashing to ${sha}); run textvault verify`);
  }
}

/** Base64 of a byte stream, chunk by chunk (each output chunk is whole base64 quanta). */
export async function* base64Of(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const chunk of bytes) {
    const all = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const whole = all.length - (all.length % 3);
    if (whole > 0) yield Buffer.from(all.subarray(0, whole).toString('base64'), 'latin1');
    // Copied: the source may reuse its chunk's memory for the next read.
    carry = Buffer.from(all.subarray(whole));
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
}
