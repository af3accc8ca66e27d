/**
 * Opens a snapshot folder — a folder on a disk, or `s3://bucket/prefix` on an S3-compatible
 * store — with the codec its header asks for: plain, or encrypted (encryption.ts) with a
 * passphrase or a key file.
 */
import { plainCodec } from './codec.js';
import { newEncryption, openEncryption, type SnapshotKey } from './encryption.js';
import { SnapshotKeyError } from './errors.js';
import { FolderStorage } from './folder-storage.js';
import { HEADER_FORMAT, SnapshotRepository } from './repository.js';
import type { SnapshotStorage } from './storage.js';

export type { SnapshotKey } from './encryption.js';

export interface FolderOptions {
  /** Make the folder when it holds no snapshots yet (encrypted when `key` is given). */
  create?: boolean;
  /** Asked for only when the folder is encrypted, or is to be made encrypted. */
  key?: () => Promise<SnapshotKey | undefined>;
}

/** Whether a --to/--from names an S3 bucket rather than a folder. */
export function isS3Location(location: string): boolean {
  return /^s3:\/\//i.test(location);
}

/** The storage a --to/--from names. The S3 client is loaded only for s3:// locations. */
export async function storageFor(location: string): Promise<SnapshotStorage> {
  if (!isS3Location(location)) return new FolderStorage(location);
  const { S3SnapshotStorage } = await import('./s3-storage.js');
  return S3SnapshotStorage.fromUrl(location);
}

export async function openSnapshotFolder(location: string, options: FolderOptions = {}): Promise<SnapshotRepository> {
  const storage = await storageFor(location);
  const where = storage.location;
  const header = await SnapshotRepository.readHeader(storage);
  if (header === undefined) {
    if (options.create !== true) return SnapshotRepository.open(storage);
    const key = await options.key?.();
    if (key === undefined) return SnapshotRepository.open(storage, plainCodec, { create: { format: HEADER_FORMAT, version: 1 } });
    const made = await newEncryption(key);
    return SnapshotRepository.open(storage, made.codec, { create: { format: HEADER_FORMAT, version: 1, encryption: made.header } });
  }
  if (header.encryption === undefined) {
    const key = await options.key?.();
    if (key !== undefined) throw new SnapshotKeyError(`the snapshots in ${where} are not encrypted, but a passphrase or key file was given: use a new folder for encrypted snapshots`);
    return SnapshotRepository.open(storage);
  }
  return SnapshotRepository.open(storage, await openEncryption(where, header.encryption, await options.key?.()));
}

/** Whether the location holds an encrypted snapshot folder (so the command line knows to ask for a passphrase). */
export async function isEncryptedFolder(location: string): Promise<boolean> {
  return (await SnapshotRepository.readHeader(await storageFor(location)))?.encryption !== undefined;
}
