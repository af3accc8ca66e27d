/**
 * Where a snapshot folder's bytes live: a folder on a disk (folder-storage.ts) or a bucket of an
 * S3-compatible object store (s3-storage.ts). The repository (repository.ts) decides what goes
 * in it (chunks, manifests, encryption); a storage only keeps named byte strings, so both kinds
 * hold exactly the same layout:
 *
 *   textvault-snapshots.json   what the folder is; how it is encrypted (salt, never a key)
 *   objects/ab/<name>          chunks, stored once by name
 *   snapshots/<id>             one manifest per snapshot, written after every object it names
 *   lock                       while one process writes (snapshot, prune)
 *
 * The guarantees the repository relies on: a put is whole or absent (never a prefix of the
 * bytes) once it returns, and after `flush()` every object put so far survives a crash of this
 * machine; a manifest is put only after that.
 */

export interface StorageLock {
  release(): Promise<void>;
}

export interface SnapshotStorage {
  /** Where the snapshots are, as the user names it: a folder's absolute path or s3://bucket/prefix. */
  readonly location: string;
  /** Where one of its entries is, for messages (a file's path, an object's key). */
  describe(entry: string): string;
  /** A local folder for the copies of databases a snapshot takes before chunking them, if the storage has one on the same disk. */
  readonly localWorkDir: string | undefined;

  readHeader(): Promise<Buffer | undefined>;
  /** Makes a new, empty storage with this header; refuses one that holds anything else. */
  create(header: Buffer): Promise<void>;
  /** One writer at a time; a lock of a process that is gone (or expired) is taken over. */
  lock(): Promise<StorageLock>;

  hasObject(name: string): Promise<boolean>;
  putObject(name: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when there is no such object. */
  getObject(name: string): Promise<Buffer | undefined>;
  objectNames(): Promise<string[]>;
  removeObject(name: string): Promise<void>;
  /** Makes every object put so far durable (before a manifest that names them is put). */
  flush(): Promise<void>;

  manifestNames(): Promise<string[]>;
  putManifest(id: string, bytes: Buffer): Promise<void>;
  getManifest(id: string): Promise<Buffer | undefined>;
  removeManifest(id: string): Promise<void>;
}

export const HEADER_FILE = 'textvault-snapshots.json';

/** Where an object of this name goes: objects/ab/<name> (so no folder holds millions of entries). */
export function objectKey(name: string): string {
  return `objects/${name.slice(0, 2)}/${name}`;
}

export function manifestKey(id: string): string {
  return `snapshots/${id}`;
}
