/**
 * A snapshot folder (`textvault snapshot --to DIR|s3://bucket/prefix`): what its entries mean,
 * on any storage (storage.ts: a folder on a disk, or an S3-compatible bucket).
 *
 * Chunks of the vault's files are objects named by the codec (their SHA-256, or a keyed hash when
 * encrypted) and stored once; a snapshot is a manifest naming them, put only after every object
 * it names is durable: a snapshot killed at any moment leaves the snapshots before it whole, and
 * only objects no manifest names yet (reused by the next run, or removed by prune).
 */
import { randomBytes } from 'node:crypto';
import { plainCodec, type ObjectCodec } from './codec.js';
import { SnapshotDamagedError, SnapshotError } from './errors.js';
import { manifestSchema, type SnapshotManifest } from './manifest.js';
import { HEADER_FILE, manifestKey, objectKey, type SnapshotStorage, type StorageLock } from './storage.js';

export { HEADER_FILE } from './storage.js';
export const HEADER_FORMAT = 'textvault-snapshots';
/** Media files are cut into chunks of this size (a chunk is stored once, whichever snapshot holds it). */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Databases in smaller ones: an import changes pages all over the file (indexes, the search
 * index), and each changed chunk is stored again whole. With 4 MiB chunks a day's import of a
 * 24 MB vault stored 13 MB again; see BENCHMARKS.md for the figures at this size.
 */
export const DB_CHUNK_BYTES = 256 * 1024;
const SNAPSHOT_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

export interface FolderHeader {
  format: typeof HEADER_FORMAT;
  version: 1;
  /** Absent: plain. Otherwise what encryption.ts needs to derive the key again. */
  encryption?: unknown;
}

export class SnapshotRepository {
  private constructor(
    readonly storage: SnapshotStorage,
    readonly codec: ObjectCodec,
    readonly header: FolderHeader,
  ) {}

  /** Where the snapshots are: a folder's path or s3://bucket/prefix. */
  get dir(): string {
    return this.storage.location;
  }

  /** The storage's header, or undefined when it holds no snapshot folder yet. */
  static async readHeader(storage: SnapshotStorage): Promise<FolderHeader | undefined> {
    const bytes = await storage.readHeader();
    if (bytes === undefined) return undefined;
    const where = storage.describe(HEADER_FILE);
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new SnapshotDamagedError(where, 'is not the JSON a snapshot folder starts with');
    }
    if (typeof parsed !== 'object' || parsed === null || !('format' in parsed) || parsed.format !== HEADER_FORMAT || !('version' in parsed) || parsed.version !== 1)
      throw new SnapshotDamagedError(where, 'is not a Textvault snapshot folder header (or one of a newer version)');
    return parsed as FolderHeader;
  }

  /** Opens a snapshot folder; `create` makes it (with `header`) when the storage has none. */
  static async open(storage: SnapshotStorage, codec: ObjectCodec = plainCodec, options: { create?: FolderHeader } = {}): Promise<SnapshotRepository> {
    let header = await SnapshotRepository.readHeader(storage);
    if (header === undefined) {
      if (options.create === undefined) throw new SnapshotError(`no snapshots in ${storage.location}: take one with textvault snapshot --to ${storage.location}`);
      header = options.create;
      await storage.create(Buffer.from(JSON.stringify(header, null, 2) + '\n'));
    }
    return new SnapshotRepository(storage, codec, header);
  }

  /** One writer at a time (snapshot, prune). */
  lock(): Promise<StorageLock> {
    return this.storage.lock();
  }

  /** Where an object is (its file or key), for messages. */
  objectPath(id: string): string {
    return this.storage.describe(objectKey(id));
  }

  /** Stores a chunk (if it is not stored yet); returns its object name and whether it was new. */
  async putChunk(plain: Buffer, sha256: string): Promise<{ id: string; added: boolean; bytes: number }> {
    const id = this.codec.name(sha256);
    if (await this.storage.hasObject(id)) return { id, added: false, bytes: 0 };
    const sealed = this.codec.seal(plain);
    await this.storage.putObject(id, sealed);
    return { id, added: true, bytes: sealed.length };
  }

  /** A chunk's plain bytes, checked against its SHA-256 by the caller. */
  async readObject(id: string): Promise<Buffer> {
    const stored = await this.storage.getObject(id);
    if (stored === undefined) throw new SnapshotDamagedError(this.objectPath(id), 'is missing');
    return this.codec.open(stored, this.objectPath(id));
  }

  /** Every object's name (for prune). */
  objectIds(): Promise<string[]> {
    return this.storage.objectNames();
  }

  removeObject(id: string): Promise<void> {
    return this.storage.removeObject(id);
  }

  /** Snapshot ids, oldest first (ids begin with their UTC time). */
  async snapshotIds(): Promise<string[]> {
    return (await this.storage.manifestNames()).filter((n) => SNAPSHOT_ID.test(n)).sort();
  }

  manifestPath(id: string): string {
    if (!SNAPSHOT_ID.test(id)) throw new SnapshotError(`not a snapshot id: ${id} (see textvault snapshot list --from ${this.dir})`);
    return this.storage.describe(manifestKey(id));
  }

  async readManifest(id: string): Promise<SnapshotManifest> {
    const file = this.manifestPath(id);
    const stored = await this.storage.getManifest(id);
    if (stored === undefined) throw new SnapshotError(`no snapshot ${id} in ${this.dir} (see textvault snapshot list --from ${this.dir})`);
    const plain = this.codec.open(stored, file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain.toString('utf8'));
    } catch {
      throw new SnapshotDamagedError(file, 'is not a readable manifest (cut short or altered)');
    }
    const result = manifestSchema.safeParse(parsed);
    if (!result.success) throw new SnapshotDamagedError(file, `is not a snapshot manifest of this version (${result.error.issues[0]?.message ?? 'invalid'})`);
    if (result.data.id !== id) throw new SnapshotDamagedError(file, `holds snapshot ${result.data.id}, not ${id}`);
    return result.data;
  }

  /** Writes a manifest: from now on the snapshot exists. */
  async writeManifest(m: SnapshotManifest): Promise<void> {
    await this.storage.flush();
    this.manifestPath(m.id);
    await this.storage.putManifest(m.id, this.codec.seal(Buffer.from(JSON.stringify(m))));
  }

  async removeManifest(id: string): Promise<void> {
    this.manifestPath(id);
    await this.storage.removeManifest(id);
  }
}

/**
 * A new snapshot id: its UTC time to the millisecond (so ids sort by age, and --keep removes the
 * oldest), later than every id in the folder even if the clock went back, and random digits.
 */
export function newSnapshotId(now: Date, after?: string): string {
  let ms = now.getTime();
  const make = (): string => new Date(ms).toISOString().replace(/[-:.]/g, '');
  while (after !== undefined && make() <= after.slice(0, 19)) ms++;
  return `${make()}-${randomBytes(3).toString('hex')}`;
}
