/**
 * The text header of an Android backup (`adb backup`, Helium) file (FORMATS.md section 7.2):
 *
 *   ANDROID BACKUP\n  <version 1-5>\n  <compressed 0|1>\n  <none|AES-256>\n
 *
 * and, when encrypted, five more lines: the user-password salt (hex), the master-key checksum
 * salt (hex), the PBKDF2 rounds, the user IV (hex) and the encrypted master-key blob (hex). The
 * payload (a tar, deflated when compressed, AES-256-CBC encrypted when encrypted) starts right
 * after the last line.
 */
import { DecryptionError, NotABackupError } from '../errors.js';

export const AB_MAGIC = 'ANDROID BACKUP\n';
/** Versions Android has written: 1 (Android 4.0) to 5 (Android 9 and later). */
const MAX_VERSION = 5;
/** A header is a few hundred bytes; more than this without the last line is not one. */
export const MAX_HEADER_BYTES = 4096;
/** Android uses 10,000; far more only makes a forged header keep the CPU busy. */
const MAX_ROUNDS = 5_000_000;

export interface AbEncryption {
  userSalt: Buffer;
  checksumSalt: Buffer;
  rounds: number;
  userIv: Buffer;
  masterKeyBlob: Buffer;
}

export interface AbHeader {
  version: number;
  compressed: boolean;
  /** Absent for `none`. */
  encryption?: AbEncryption;
  /** Bytes of the header; the payload starts here. */
  length: number;
}

export function looksLikeAndroidBackup(head: Buffer): boolean {
  return head.subarray(0, AB_MAGIC.length).toString('latin1') === AB_MAGIC;
}

const EXPECTED = 'an Android backup (.ab)';

export function parseAbHeader(file: string, head: Buffer): AbHeader {
  if (!looksLikeAndroidBackup(head)) throw new NotABackupError(file, 'it does not start with "ANDROID BACKUP"', EXPECTED);
  let at = AB_MAGIC.length;
  const line = (what: string): string => {
    const end = head.indexOf(0x0a, at);
    if (end === -1 || end > MAX_HEADER_BYTES) throw new NotABackupError(file, `its header ends before the ${what} line; the file is cut off or damaged`, EXPECTED);
    const text = head.subarray(at, end).toString('latin1');
    at = end + 1;
    return text;
  };
  const versionText = line('version');
  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || version < 1 || version > MAX_VERSION) {
    throw new NotABackupError(file, `format version ${shown(versionText)} is not one Android writes (1 to ${MAX_VERSION})`, EXPECTED);
  }
  const compressedText = line('compression');
  if (compressedText !== '0' && compressedText !== '1') throw new NotABackupError(file, `compression flag ${shown(compressedText)} is neither 0 nor 1`, EXPECTED);
  const algorithm = line('encryption');
  const header: AbHeader = { version, compressed: compressedText === '1', length: 0 };
  if (algorithm === 'AES-256') {
    const userSalt = hex(file, line('password salt'), 'password salt');
    const checksumSalt = hex(file, line('checksum salt'), 'checksum salt');
    const roundsText = line('rounds');
    const rounds = Number(roundsText);
    if (!/^\d+$/.test(roundsText) || rounds < 1 || rounds > MAX_ROUNDS) {
      throw new DecryptionError(`${file}: implausible key-derivation rounds ${JSON.stringify(roundsText.slice(0, 20))}; the header is damaged`);
    }
    const userIv = hex(file, line('IV'), 'IV');
    const masterKeyBlob = hex(file, line('master key'), 'master key');
    if (userIv.length !== 16 || masterKeyBlob.length === 0 || masterKeyBlob.length % 16 !== 0) {
      throw new DecryptionError(`${file}: the encryption header has an IV of ${userIv.length} bytes and a key blob of ${masterKeyBlob.length}; it is damaged`);
    }
    header.encryption = { userSalt, checksumSalt, rounds, userIv, masterKeyBlob };
  } else if (algorithm !== 'none') {
    throw new NotABackupError(file, `encryption ${shown(algorithm)} is not one Android writes (none or AES-256)`, EXPECTED);
  }
  header.length = at;
  return header;
}

/** A header line as a user can read it: at most 40 characters, bytes outside ASCII as \xNN. */
function shown(text: string): string {
  const ascii = text.slice(0, 40).replace(/[^\x20-\x7e]/g, (c) => `\\x${(c.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`);
  return `"${ascii.replaceAll('"', '\\"')}"${text.length > 40 ? '...' : ''}`;
}

function hex(file: string, text: string, what: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) throw new DecryptionError(`${file}: the encryption header's ${what} is not hexadecimal; the header is damaged`);
  return Buffer.from(text, 'hex');
}
