/**
 * Opens a snapshot folder with the codec its header asks for: plain, or encrypted
 * (encryption.ts) with a passphrase or a key file.
 */
import { plainCodec } from './codec.js';
import { newEncryption, openEncryption, type SnapshotKey } from './encryption.js';
import { SnapshotKeyError } from './errors.js';
import { HEADER_FORMAT, SnapshotRepository } from './repository.js';

export type { SnapshotKey } from './encryption.js';

export interface FolderOptions {
  /** Make the folder when it holds no snapshots yet (encrypted when `key` is given). */
  create?: boolean;
  /** Asked for only when the folder is encrypted, or is to be made encrypted. */
  key?: () => Promise<SnapshotKey | undefined>;
}

export async function openSnapshotFolder(dir: string, options: FolderOptions = {}): Promise<SnapshotRepository> {
  const header = SnapshotRepository.readHeader(dir);
  if (header === undefined) {
    if (options.create !== true) return SnapshotRepository.open(dir);
    const key = await options.key?.();
    if (key === undefined) return SnapshotRepository.open(dir, plainCodec, { create: { format: HEADER_FORMAT, version: 1 } });
    const made = await newEncryption(key);
    return SnapshotRepository.open(dir, made.codec, { create: { format: HEADER_FORMAT, version: 1, encryption: made.header } });
  }
  if (header.encryption === undefined) {
    const key = await options.key?.();
    if (key !== undefined) throw new SnapshotKeyError(`the snapshots in ${dir} are not encrypted, but a passphrase or key file was given: use a new folder for encrypted snapshots`);
    return SnapshotRepository.open(dir);
  }
  return SnapshotRepository.open(dir, await openEncryption(dir, header.encryption, await options.key?.()));
}

/** Whether `dir` holds an encrypted snapshot folder (so the command line knows to ask for a passphrase). */
export function isEncryptedFolder(dir: string): boolean {
  return SnapshotRepository.readHeader(dir)?.encryption !== undefined;
}
