/**
 * Secrets the vault must use in clear (an IMAP source's password, the SMTP login of alert
 * e-mails) are kept sealed: XChaCha20-Poly1305 (libsodium) under a key that lives outside every
 * database, in `secret.key` in the vault folder (0600) or the file TEXTVAULT_SECRET_KEY_FILE
 * names (e.g. on another disk, so a copy of the databases alone reveals nothing). The key is made
 * at the first secret stored. A sealed value names its purpose as associated data, so it only
 * opens where it was stored.
 *
 *   const sealed = await sealSecret(vault.dir, 'alerts.smtp', 'hunter2');   // "tvs1:..." for the database
 *   const clear = await openSecret(vault.dir, 'alerts.smtp', sealed);
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Sodium from 'libsodium-wrappers-sumo';

export const SECRET_KEY_FILE = 'secret.key';
export const SECRET_KEY_ENV = 'TEXTVAULT_SECRET_KEY_FILE';
const PREFIX = 'tvs1:';
const KEY_BYTES = 32;

/** Loaded on first use: every vault opens through config.ts, and most commands never seal anything. */
async function loadSodium(): Promise<typeof Sodium> {
  const sodium = (await import('libsodium-wrappers-sumo')).default;
  await sodium.ready;
  return sodium;
}

/** A secret could not be stored or read back; says what to do, never the secret. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** Where the vault's secret key is: TEXTVAULT_SECRET_KEY_FILE, else secret.key in the vault folder. */
export function secretKeyFile(vaultDir: string): string {
  const env = process.env[SECRET_KEY_ENV];
  return env !== undefined && env !== '' ? path.resolve(env) : path.join(vaultDir, SECRET_KEY_FILE);
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function readKey(file: string): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretError(`cannot read the vault's secret key ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}): it must be readable by the user the vault runs as`);
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new SecretError(`${file} is not a Textvault secret key (${KEY_BYTES} bytes, base64); restore it from a backup, or remove it and store the secrets again`);
  return key;
}

/** The key, made (0600, atomically: two processes agree on one) when there is none yet. */
export function keyForSealing(file: string): Buffer {
  const existing = readKey(file);
  if (existing !== undefined) return existing;
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, randomBytes(KEY_BYTES).toString('base64') + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // link() fails when another process made the key first: then that one is the key.
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = readKey(file);
  if (key === undefined) throw new SecretError(`the vault's secret key ${file} could not be created`);
  return key;
}

/** `plaintext` sealed for storing under `purpose` (e.g. "alerts.smtp"). */
export async function sealSecret(vaultDir: string, purpose: string, plaintext: string): Promise<string> {
  return sealWithKey(keyForSealing(secretKeyFile(vaultDir)), purpose, plaintext);
}

/**
 * During `textvault secret rotate` (secret-rotation.ts) a value may be sealed under the key being
 * rotated in (`<key file>.next`) or the one being rotated out (`<key file>.previous`); a value
 * opens with whichever of the three keys sealed it, so a rotation killed at any moment loses none.
 */
export function rotationKeyFiles(file: string): { next: string; previous: string } {
  return { next: `${file}.next`, previous: `${file}.previous` };
}

/** The keys a sealed value may be under, the vault's own first. */
function openingKeys(file: string): Buffer[] {
  const { next, previous } = rotationKeyFiles(file);
  return [readKey(file), readKey(next), readKey(previous)].filter((k): k is Buffer => k !== undefined);
}

/** The clear text of `sealed` under `key`, or undefined when that key did not seal it. */
export async function openWithKey(key: Buffer, purpose: string, sealed: string): Promise<string | undefined> {
  const sodium = await loadSodium();
  const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  const nonceBytes = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  try {
    const clear = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, bytes.subarray(nonceBytes), purpose, bytes.subarray(0, nonceBytes), key);
    return Buffer.from(clear).toString('utf8');
  } catch {
    return undefined;
  }
}

/** `plaintext` sealed under `key` for `purpose`. */
export async function sealWithKey(key: Buffer, purpose: string, plaintext: string): Promise<string> {
  const sodium = await loadSodium();
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const box = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(Buffer.from(plaintext, 'utf8'), purpose, null, nonce, key);
  return PREFIX + Buffer.concat([nonce, box]).toString('base64');
}

/** The clear text of a value sealSecret made for `purpose`, or a SecretError. */
export async function openSecret(vaultDir: string, purpose: string, sealed: string): Promise<string> {
  if (!isSealed(sealed)) throw new SecretError(`the stored ${purpose} secret is not sealed by Textvault; set it again`);
  const file = secretKeyFile(vaultDir);
  const keys = openingKeys(file);
  if (keys.length === 0) throw new SecretError(`the vault's secret key ${file} is missing, so the stored ${purpose} secret cannot be read: restore the key, or set the secret again`);
  for (const key of keys) {
    const clear = await openWithKey(key, purpose, sealed);
    if (clear !== undefined) return clear;
  }
  throw new SecretError(`the stored ${purpose} secret does not open with the vault's secret key ${file} (another vault's key?): restore the right key, or set the secret again`);
}
