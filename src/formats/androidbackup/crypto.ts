/**
 * The encryption of an Android backup, as Android's BackupManagerService does it:
 *
 *   user key   = PBKDF2-HMAC-SHA1(password, user salt, rounds, 256 bits)
 *   key blob   = AES-256-CBC-decrypt(user key, user IV, master-key blob), PKCS#5 padded, holding
 *                three length-prefixed byte strings: master IV, master key, master-key checksum
 *   checksum   = PBKDF2-HMAC-SHA1(master key as a Java char[], checksum salt, rounds, 256 bits)
 *   payload    = AES-256-CBC(master key, master IV), PKCS#5 padded
 *
 * The checksum tells a wrong password from a right one before any payload is read. Java hands
 * the master key's bytes to PBKDF2 as chars, each byte sign-extended ((char) b), and PBKDF2
 * turns chars into bytes: the low 8 bits in format version 1 ("PBKDF2WithHmacSHA1And8bit"),
 * UTF-8 from version 2 on, so byte 0x80-0xFF becomes the three bytes of U+FF80-U+FFFF.
 */
import { createDecipheriv, pbkdf2, timingSafeEqual, type Decipher } from 'node:crypto';
import { promisify } from 'node:util';
import { WrongPassphraseError } from '../errors.js';
import type { AbEncryption } from './header.js';

const pbkdf2Async = promisify(pbkdf2);
const KEY_BYTES = 32;

export interface MasterKey {
  key: Buffer;
  iv: Buffer;
}

/** The bytes PBKDF2 sees for the user's password. */
export function passwordBytes(password: string, version: number): Buffer {
  if (version >= 2) return Buffer.from(password, 'utf8');
  const out = Buffer.alloc(password.length);
  for (let i = 0; i < password.length; i++) out[i] = password.charCodeAt(i) & 0xff;
  return out;
}

/**
 * The bytes PBKDF2 sees for the master key when the checksum is made: each byte as the Java
 * char `(char) b`, encoded as UTF-8 (version >= 2) or cut to 8 bits (version 1, the bytes
 * themselves). `modifiedZero` encodes U+0000 as Java's "modified UTF-8" does (C0 80) instead of
 * one zero byte: which of the two a phone's PBKDF2 used is not pinned down, so both are tried.
 */
export function keyChecksumBytes(masterKey: Buffer, version: number, modifiedZero = false): Buffer {
  if (version < 2) return Buffer.from(masterKey);
  const out: number[] = [];
  for (const b of masterKey) {
    if (b === 0 && modifiedZero) out.push(0xc0, 0x80);
    else if (b < 0x80) out.push(b);
    else {
      // (char) b for a negative byte is 0xFF00 | b: three UTF-8 bytes EF, BE|BF, 80|low six bits.
      const c = 0xff00 | b;
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return Buffer.from(out);
}

export async function deriveKey(secret: Buffer, salt: Buffer, rounds: number): Promise<Buffer> {
  return pbkdf2Async(secret, salt, rounds, KEY_BYTES, 'sha1');
}

const WRONG = 'wrong password (or the backup was altered); give the password the backup was made with';

/** The payload's key and IV, or a DecryptionError saying the password is wrong. */
export async function unlockMasterKey(file: string, enc: AbEncryption, version: number, password: string): Promise<MasterKey> {
  const userKey = await deriveKey(passwordBytes(password, version), enc.userSalt, enc.rounds);
  let blob: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', userKey, enc.userIv);
    blob = Buffer.concat([d.update(enc.masterKeyBlob), d.final()]);
  } catch {
    // Bad padding: the key (so the password) is wrong.
    throw new WrongPassphraseError(`${file}: ${WRONG}`);
  }
  const fields: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < 3; i++) {
    const len = blob[at];
    if (len === undefined || at + 1 + len > blob.length) throw new WrongPassphraseError(`${file}: ${WRONG}`);
    fields.push(blob.subarray(at + 1, at + 1 + len));
    at += 1 + len;
  }
  const [iv = Buffer.alloc(0), key = Buffer.alloc(0), checksum = Buffer.alloc(0)] = fields;
  if (iv.length !== 16 || key.length !== KEY_BYTES) throw new WrongPassphraseError(`${file}: ${WRONG}`);
  const variants = version >= 2 && key.includes(0) ? [false, true] : [false];
  for (const modifiedZero of variants) {
    const expected = await deriveKey(keyChecksumBytes(key, version, modifiedZero), enc.checksumSalt, enc.rounds);
    if (expected.length === checksum.length && timingSafeEqual(expected, checksum)) return { key: Buffer.from(key), iv: Buffer.from(iv) };
  }
  throw new WrongPassphraseError(`${file}: ${WRONG}`);
}

export function payloadDecipher(mk: MasterKey): Decipher {
  return createDecipheriv('aes-256-cbc', mk.key, mk.iv);
}
