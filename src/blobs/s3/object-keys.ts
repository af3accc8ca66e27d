/**
 * The S3 key layout of a media store under its prefix:
 * - `PREFIX/ab/cd/<sha256>`: a blob, named by the SHA-256 of its bytes (64 lowercase hex digits),
 *   under its first two and next two hex digits, as the local store lays out files of their own.
 *   Written once, never changed.
 * - `PREFIX/tmp/<random>`: an upload whose hash is not known yet (S3Objects.putStream); copied to
 *   its blob key and removed when done. Whatever is left there is an interrupted upload.
 */
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256(name: string): boolean {
  return SHA256_HEX.test(name);
}

export class ObjectKeys {
  /** '' or 'some/prefix/'. */
  readonly root: string;

  constructor(prefix: string) {
    this.root = prefix === '' ? '' : `${prefix}/`;
  }

  blob(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a SHA-256 blob name: ${JSON.stringify(sha256)}`);
    return `${this.root}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  get tmpPrefix(): string {
    return `${this.root}tmp/`;
  }

  tmp(name: string): string {
    return `${this.tmpPrefix}${name}`;
  }

  /** The blob a key names, or undefined for any other key under the prefix (temp uploads, strays). */
  blobOf(key: string): string | undefined {
    if (!key.startsWith(this.root)) return undefined;
    const parts = key.slice(this.root.length).split('/');
    if (parts.length !== 3) return undefined;
    const [a, b, name] = parts;
    if (name === undefined || !isSha256(name) || a !== name.slice(0, 2) || b !== name.slice(2, 4)) return undefined;
    return name;
  }
}
