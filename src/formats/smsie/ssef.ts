/**
 * SMS Import/Export's encrypted file format (.ssef, FORMATS.md section 3): a 36-byte header
 * ("SSEF" 0x00 0xFF, version 0x0001, big-endian Argon2id time cost, memory cost in KiB, 16-byte
 * salt, SecretStream chunk size), then a libsodium SecretStream (XChaCha20-Poly1305): a 24-byte
 * stream header and chunks of plaintext-chunk-size + 17 bytes, the last one tagged FINAL.
 *
 * Decryption streams: one chunk in memory at a time. Every chunk is authenticated before its
 * plaintext is written, and a stream that ends without its FINAL chunk is refused, so a wrong
 * passphrase, a flipped bit or a cut-off file all fail before the caller imports anything.
 */
import fs from 'node:fs';
import sodium from 'libsodium-wrappers-sumo';
import { DecryptionError, WrongPassphraseError } from '../errors.js';

export const SSEF_HEADER_BYTES = 36;
const MAGIC = Buffer.from([0x53, 0x53, 0x45, 0x46, 0x00, 0xff]);
const STREAM_HEADER_BYTES = 24;
const ABYTES = 17;
/** Refused above these: a forged header must not make us allocate gigabytes or spin for hours. */
const MAX_MEMORY_KIB = 4 * 1024 * 1024;
const MAX_TIME_COST = 64;
const MAX_CHUNK = 64 * 1024 * 1024;

export interface SsefHeader {
  version: number;
  timeCost: number;
  memoryKiB: number;
  salt: Uint8Array;
  chunkSize: number;
}

export { DecryptionError } from '../errors.js';

export function parseSsefHeader(file: string, head: Buffer): SsefHeader {
  if (head.length < SSEF_HEADER_BYTES || !head.subarray(0, 6).equals(MAGIC)) {
    throw new DecryptionError(`${file}: not an SMS Import/Export encrypted file (no SSEF header)`);
  }
  const version = head.readUInt16BE(6);
  if (version !== 1) throw new DecryptionError(`${file}: encrypted with format version ${version}, which this version does not know (only 1)`);
  const header = {
    version,
    timeCost: head.readUInt32BE(8),
    memoryKiB: head.readUInt32BE(12),
    salt: new Uint8Array(head.subarray(16, 32)),
    chunkSize: head.readUInt32BE(32),
  };
  if (header.timeCost < 1 || header.timeCost > MAX_TIME_COST || header.memoryKiB < 8 || header.memoryKiB > MAX_MEMORY_KIB) {
    throw new DecryptionError(`${file}: implausible key-derivation parameters (time ${header.timeCost}, memory ${header.memoryKiB} KiB); the header is damaged`);
  }
  if (header.chunkSize < 1 || header.chunkSize > MAX_CHUNK) throw new DecryptionError(`${file}: implausible chunk size ${header.chunkSize}; the header is damaged`);
  return header;
}

async function deriveKey(passphrase: string, h: SsefHeader): Promise<Uint8Array> {
  await sodium.ready;
  return sodium.crypto_pwhash(
    sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES,
    passphrase,
    h.salt,
    h.timeCost,
    h.memoryKiB * 1024,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/**
 * Decrypts `file` into `out` (created with mode 0600). On any failure `out` is removed and a
 * DecryptionError says whether the passphrase is wrong or the file damaged.
 */
export async function decryptSsef(file: string, out: string, passphrase: string): Promise<void> {
  const fd = fs.openSync(file, 'r');
  const outFd = fs.openSync(out, 'w', 0o600);
  try {
    const head = Buffer.alloc(SSEF_HEADER_BYTES + STREAM_HEADER_BYTES);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    if (got < head.length) throw new DecryptionError(`${file}: encrypted file is truncated (${got} bytes)`);
    const h = parseSsefHeader(file, head);
    const key = await deriveKey(passphrase, h);
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(new Uint8Array(head.subarray(SSEF_HEADER_BYTES)), key);
    const cipherChunk = h.chunkSize + ABYTES;
    const buf = Buffer.alloc(cipherChunk);
    let pos = head.length;
    let index = 0;
    let final = false;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, cipherChunk, pos);
      if (n === 0) break;
      if (final) throw new DecryptionError(`${file}: data after the final encrypted chunk; the file was altered`);
      if (n < ABYTES) throw new DecryptionError(`${file}: encrypted file is truncated`);
      pos += n;
      const res = sodium.crypto_secretstream_xchacha20poly1305_pull(state, new Uint8Array(buf.subarray(0, n)), null);
      if (res === false) {
        if (index === 0) throw new WrongPassphraseError(`${file}: cannot decrypt: wrong passphrase (or the file was altered)`);
        throw new DecryptionError(`${file}: encrypted chunk ${index + 1} failed authentication: the file was altered or damaged; nothing was imported`);
      }
      fs.writeSync(outFd, res.message);
      if (res.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) final = true;
      index++;
    }
    if (!final) throw new DecryptionError(`${file}: encrypted file is truncated (its final chunk is missing); nothing was imported`);
    fs.fsyncSync(outFd);
  } catch (e) {
    fs.closeSync(outFd);
    fs.rmSync(out, { force: true });
    throw e;
  } finally {
    fs.closeSync(fd);
    try {
      fs.closeSync(outFd);
    } catch {
      // already closed on the failure path
    }
  }
}

export interface EncryptOptions {
  timeCost?: number;
  memoryKiB?: number;
  chunkSize?: number;
}

/** Encrypts `file` into `out` the way SMS Import/Export does (for exports and tests). */
export async function encryptSsef(file: string, out: string, passphrase: string, options: EncryptOptions = {}): Promise<void> {
  await sodium.ready;
  const h: SsefHeader = {
    version: 1,
    timeCost: options.timeCost ?? 3,
    memoryKiB: options.memoryKiB ?? 65536,
    salt: sodium.randombytes_buf(16),
    chunkSize: options.chunkSize ?? 65536,
  };
  const header = Buffer.alloc(SSEF_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt16BE(1, 6);
  header.writeUInt32BE(h.timeCost, 8);
  header.writeUInt32BE(h.memoryKiB, 12);
  Buffer.from(h.salt).copy(header, 16);
  header.writeUInt32BE(h.chunkSize, 32);
  const key = await deriveKey(passphrase, h);
  const { state, header: streamHeader } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const inFd = fs.openSync(file, 'r');
  const outFd = fs.openSync(out, 'w', 0o600);
  try {
    fs.writeSync(outFd, header);
    fs.writeSync(outFd, streamHeader);
    const size = fs.fstatSync(inFd).size;
    const buf = Buffer.alloc(h.chunkSize);
    let pos = 0;
    do {
      const n = fs.readSync(inFd, buf, 0, h.chunkSize, pos);
      pos += n;
      const last = pos >= size;
      const tag = last ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      fs.writeSync(outFd, sodium.crypto_secretstream_xchacha20poly1305_push(state, new Uint8Array(buf.subarray(0, n)), null, tag));
      if (last) break;
    } while (pos < size);
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
}
