/**
 * Encrypted snapshot folders: everything is encrypted on this machine before it is written, so
 * the folder can be on a disk or a service the owner does not trust.
 *
 * Why libsodium's secretstream (XChaCha20-Poly1305) and not age: the project already loads
 * libsodium (vault/secrets.ts) and it is made for exactly this (authenticated encryption of a
 * stream, so a chunk cut short or altered fails to open rather than giving wrong bytes); age's
 * format through a JavaScript library would be a second cryptography dependency for no gain, as
 * nothing but Textvault reads these folders (restore does).
 *
 * - The key: from a passphrase through Argon2id (crypto_pwhash; salt and limits in the folder's
 *   header, never the key), or from a key file (any file of at least 32 random bytes, hashed with
 *   BLAKE2b). Two subkeys are derived from it (crypto_kdf): one encrypts, one names objects.
 * - Names: an object's name is a keyed BLAKE2b of its chunk's SHA-256, so names are stable (a
 *   chunk is stored once) but tell nothing about the content to someone without the key.
 * - Sizes: each chunk is padded (ISO/IEC 7816-4, sodium_pad) to a Padmé length before it is
 *   encrypted, so sizes leak at most a few bits (files are cut into equal chunks anyway).
 * - The header holds a known text encrypted under the key: a wrong passphrase is told apart from
 *   a damaged object.
 */
import fs from 'node:fs';
import type Sodium from 'libsodium-wrappers-sumo';
import type { ObjectCodec } from './codec.js';
import { SnapshotDamagedError, SnapshotError, SnapshotKeyError } from './errors.js';

/** What an encrypted object starts with (then the secretstream header, then the ciphertext). */
const MAGIC = Buffer.from('TVSNAPE1');
const KDF_CONTEXT = 'tvsnap01';
const CHECK_TEXT = 'textvault snapshot folder key check';
const MIN_PADDED = 4096;
const KEY_FILE_MIN_BYTES = 32;

/** What secretstream's pull gives back (false when the bytes do not authenticate). */
interface MessageTag {
  message: Uint8Array;
  tag: number;
}

export type SnapshotKey = { passphrase: string } | { keyFile: string };

export interface EncryptionHeader {
  cipher: 'xchacha20poly1305-secretstream';
  key: 'passphrase' | 'key-file';
  kdf?: { alg: 'argon2id13'; salt: string; opslimit: number; memlimit: number };
  /** CHECK_TEXT sealed under the key (base64). */
  check: string;
}

async function loadSodium(): Promise<typeof Sodium> {
  const sodium = (await import('libsodium-wrappers-sumo')).default;
  await sodium.ready;
  return sodium;
}

/** A new encrypted folder's header and codec. */
export async function newEncryption(key: SnapshotKey): Promise<{ header: EncryptionHeader; codec: ObjectCodec }> {
  const sodium = await loadSodium();
  let master: Uint8Array;
  let kdf: EncryptionHeader['kdf'];
  if ('passphrase' in key) {
    kdf = {
      alg: 'argon2id13',
      salt: Buffer.from(sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES)).toString('base64'),
      // 3 passes over 64 MiB: about a second here; stored, so a later version can ask for more.
      opslimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE,
      memlimit: 64 * 1024 * 1024,
    };
    master = passphraseKey(sodium, key.passphrase, kdf);
  } else {
    master = keyFileKey(sodium, key.keyFile);
  }
  const codec = makeCodec(sodium, master);
  const header: EncryptionHeader = {
    cipher: 'xchacha20poly1305-secretstream',
    key: 'passphrase' in key ? 'passphrase' : 'key-file',
    ...(kdf === undefined ? {} : { kdf }),
    check: codec.seal(Buffer.from(CHECK_TEXT)).toString('base64'),
  };
  return { header, codec };
}

/** The codec of an existing encrypted folder; SnapshotKeyError when `key` does not open it. */
export async function openEncryption(dir: string, header: unknown, key: SnapshotKey | undefined): Promise<ObjectCodec> {
  const h = parseHeader(dir, header);
  const how = h.key === 'passphrase' ? 'its passphrase (--passphrase-file FILE, or typed when asked)' : 'its key file (--key-file FILE)';
  if (key === undefined) throw new SnapshotKeyError(`the snapshots in ${dir} are encrypted: give ${how}`);
  if (h.key === 'passphrase' && !('passphrase' in key)) throw new SnapshotKeyError(`the snapshots in ${dir} are encrypted with a passphrase, not a key file: give ${how}`);
  if (h.key === 'key-file' && !('keyFile' in key)) throw new SnapshotKeyError(`the snapshots in ${dir} are encrypted with a key file, not a passphrase: give ${how}`);
  const sodium = await loadSodium();
  const master = 'passphrase' in key ? passphraseKey(sodium, key.passphrase, h.kdf) : keyFileKey(sodium, key.keyFile);
  const codec = makeCodec(sodium, master);
  let check: Buffer;
  try {
    check = codec.open(Buffer.from(h.check, 'base64'), dir);
  } catch {
    throw new SnapshotKeyError(`wrong ${h.key === 'passphrase' ? 'passphrase' : 'key file'} for the snapshots in ${dir}: it does not open them`);
  }
  if (check.toString() !== CHECK_TEXT) throw new SnapshotKeyError(`wrong key for the snapshots in ${dir}`);
  return codec;
}

function parseHeader(dir: string, header: unknown): EncryptionHeader {
  const h = header as Partial<EncryptionHeader> | null;
  if (
    typeof h !== 'object' ||
    h === null ||
    h.cipher !== 'xchacha20poly1305-secretstream' ||
    (h.key !== 'passphrase' && h.key !== 'key-file') ||
    typeof h.check !== 'string' ||
    (h.key === 'passphrase' && (typeof h.kdf?.salt !== 'string' || typeof h.kdf.opslimit !== 'number' || typeof h.kdf.memlimit !== 'number'))
  )
    throw new SnapshotError(`${dir}: the encryption its header describes is not one this version knows`);
  return h as EncryptionHeader;
}

function passphraseKey(sodium: typeof Sodium, passphrase: string, kdf: EncryptionHeader['kdf']): Uint8Array {
  if (kdf === undefined) throw new SnapshotError('a passphrase needs the folder header\'s key derivation settings');
  if (passphrase === '') throw new SnapshotKeyError('the passphrase is empty');
  return sodium.crypto_pwhash(32, passphrase, Buffer.from(kdf.salt, 'base64'), kdf.opslimit, kdf.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
}

function keyFileKey(sodium: typeof Sodium, file: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new SnapshotKeyError(`cannot read the key file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (bytes.length < KEY_FILE_MIN_BYTES)
    throw new SnapshotKeyError(`the key file ${file} holds ${bytes.length} bytes; a key file needs at least ${KEY_FILE_MIN_BYTES} random bytes (e.g. head -c 32 /dev/urandom > ${file})`);
  return sodium.crypto_generichash(32, bytes, null);
}

/** Padmé: the padded length of `n` bytes leaks only O(log log n) bits of it. */
export function padmeBlock(n: number): number {
  if (n <= MIN_PADDED) return MIN_PADDED;
  const e = Math.floor(Math.log2(n));
  const s = Math.floor(Math.log2(e)) + 1;
  return 2 ** (e - s);
}

function makeCodec(sodium: typeof Sodium, master: Uint8Array): ObjectCodec {
  const dataKey = sodium.crypto_kdf_derive_from_key(32, 1, KDF_CONTEXT, master);
  const nameKey = sodium.crypto_kdf_derive_from_key(32, 2, KDF_CONTEXT, master);
  const headerBytes = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  return {
    encrypted: true,
    name: (sha256) => sodium.crypto_generichash(32, Buffer.from(sha256, 'hex'), nameKey, 'hex'),
    seal: (plain) => {
      const padded = sodium.pad(plain, padmeBlock(plain.length + 1));
      const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(dataKey);
      const cipher = sodium.crypto_secretstream_xchacha20poly1305_push(state, padded, null, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
      return Buffer.concat([MAGIC, header, cipher]);
    },
    open: (stored, file) => {
      if (stored.length < MAGIC.length + headerBytes + sodium.crypto_secretstream_xchacha20poly1305_ABYTES || !stored.subarray(0, MAGIC.length).equals(MAGIC))
        throw new SnapshotDamagedError(file, 'is not an encrypted snapshot object (cut short, or not written by Textvault)');
      let result: MessageTag | false;
      try {
        const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(stored.subarray(MAGIC.length, MAGIC.length + headerBytes), dataKey);
        result = sodium.crypto_secretstream_xchacha20poly1305_pull(state, stored.subarray(MAGIC.length + headerBytes), null);
      } catch {
        result = false;
      }
      if (result === false || result.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
        throw new SnapshotDamagedError(file, 'does not decrypt: it was cut short, altered or damaged');
      try {
        return Buffer.from(sodium.unpad(result.message, result.message.length));
      } catch {
        throw new SnapshotDamagedError(file, 'decrypts to bytes without their padding (written by another program?)');
      }
    },
  };
}
