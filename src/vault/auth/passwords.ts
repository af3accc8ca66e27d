/**
 * Password hashing with scrypt (node:crypto). Parameters follow OWASP's minimum for scrypt
 * (N=2^15, r=8, p=3: 32 MiB per hash) and are stored with each hash so they can be raised.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 3;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, opts, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const MIN_PASSWORD_LENGTH = 8;

export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
  constructor(reason = `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`) {
    super(reason);
  }
}

/** Refuses a password that is too short or too easy to guess (password-strength.ts), saying why. */
export async function assertStrongPassword(password: string, userInputs: string[]): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError();
  const { passwordWeakness } = await import('./password-strength.js');
  const weakness = await passwordWeakness(password, userInputs);
  if (weakness !== undefined) throw new WeakPasswordError(weakness);
}
