/**
 * How a snapshot folder keeps bytes: as they are (a folder on a disk the owner trusts), or
 * encrypted on this machine (encryption.ts). Objects are named so their names reveal nothing
 * of what they hold when encrypted (a keyed hash, not the content's SHA-256).
 */
export interface ObjectCodec {
  readonly encrypted: boolean;
  /** The object name of a chunk whose plain bytes have this SHA-256 (64 hex digits). */
  name(sha256: string): string;
  /** The bytes to write for these plain bytes. */
  seal(plain: Buffer): Buffer;
  /** The plain bytes of what `file` held; throws SnapshotDamagedError / SnapshotKeyError. */
  open(stored: Buffer, file: string): Buffer;
}

export const plainCodec: ObjectCodec = {
  encrypted: false,
  name: (sha256) => sha256,
  seal: (plain) => plain,
  open: (stored) => stored,
};
