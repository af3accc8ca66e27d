/**
 * A snapshot folder (`textvault snapshot --to DIR`):
 *
 *   DIR/textvault-snapshots.json   what the folder is; how it is encrypted (salt, never a key)
 *   DIR/objects/ab/<name>          chunks of the vault's files, up to CHUNK_BYTES each, stored once
 *   DIR/snapshots/<id>             one manifest per snapshot (manifest.ts), written last
 *   DIR/tmp/                       objects being written; DIR/lock while a process writes
 *
 * Every object and manifest is written to tmp/, fsynced and renamed into place, and a manifest
 * only after every object it names: a snapshot killed at any moment leaves the snapshots before it
 * whole, and only objects no manifest names yet (reused by the next run, or removed by prune).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../lock.js';
import { plainCodec, type ObjectCodec } from './codec.js';
import { SnapshotBusyError, SnapshotDamagedError, SnapshotError } from './errors.js';
import { manifestSchema, type SnapshotManifest } from './manifest.js';

export const HEADER_FILE = 'textvault-snapshots.json';
export const HEADER_FORMAT = 'textvault-snapshots';
/** Media files are cut into chunks of this size (a chunk is stored once, whichever snapshot holds it). */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Databases in smaller ones: an import changes pages all over the file (indexes, the search
 * index), and each changed chunk is stored again whole. With 4 MiB chunks a day's import of a
 * 24 MB vault stored 13 MB again; see BENCHMARKS.md for the figures at this size.
 */
export const DB_CHUNK_BYTES = 256 * 1024;
const OBJECT_NAME = /^[0-9a-f]{64}$/;
const SNAPSHOT_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

export interface FolderHeader {
  format: typeof HEADER_FORMAT;
  version: 1;
  /** Absent: plain. Otherwise what encryption.ts needs to derive the key again. */
  encryption?: unknown;
}

export class SnapshotRepository {
  private constructor(
    readonly dir: string,
    readonly codec: ObjectCodec,
    readonly header: FolderHeader,
  ) {}

  /** The folder's header, or undefined when `dir` holds no snapshot folder yet. */
  static readHeader(dir: string): FolderHeader | undefined {
    const file = path.join(dir, HEADER_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SnapshotError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SnapshotDamagedError(file, 'is not the JSON a snapshot folder starts with');
    }
    if (typeof parsed !== 'object' || parsed === null || !('format' in parsed) || parsed.format !== HEADER_FORMAT || !('version' in parsed) || parsed.version !== 1)
      throw new SnapshotDamagedError(file, 'is not a Textvault snapshot folder header (or one of a newer version)');
    return parsed as FolderHeader;
  }

  /** Opens a snapshot folder; `create` makes it (with `header`) when `dir` has none. */
  static open(dir: string, codec: ObjectCodec = plainCodec, options: { create?: FolderHeader } = {}): SnapshotRepository {
    const abs = path.resolve(dir);
    let header = SnapshotRepository.readHeader(abs);
    if (header === undefined) {
      if (options.create === undefined) throw new SnapshotError(`no snapshots in ${abs}: take one with textvault snapshot --to ${abs}`);
      fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
      const left = fs.readdirSync(abs).filter((n) => !n.startsWith('.'));
      if (left.length > 0) throw new SnapshotError(`${abs} is not empty and holds no snapshots: give an empty or new folder to keep snapshots in`);
      header = options.create;
      writeAtomic(abs, HEADER_FILE, Buffer.from(JSON.stringify(header, null, 2) + '\n'));
    }
    for (const sub of ['objects', 'snapshots', 'tmp']) fs.mkdirSync(path.join(abs, sub), { recursive: true, mode: 0o700 });
    return new SnapshotRepository(abs, codec, header);
  }

  /** One writer at a time (snapshot, prune); a lock left by a killed process is taken over. */
  lock(): { release(): void } {
    const file = path.join(this.dir, 'lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx', 0o600);
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        this.cleanTemp();
        return {
          release: () => {
            fs.rmSync(file, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new SnapshotBusyError(this.dir, pid);
        fs.rmSync(file, { force: true });
      }
    }
    throw new SnapshotError(`could not take the lock ${file}`);
  }

  /** What a killed writer left in tmp/ (only call under the lock). */
  private cleanTemp(): void {
    const tmp = path.join(this.dir, 'tmp');
    for (const name of fs.readdirSync(tmp)) fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
  }

  /** A temp file's path (tmp/ is on the folder's disk, so it renames into place). */
  tempPath(label: string): string {
    return path.join(this.dir, 'tmp', `${label}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  objectPath(id: string): string {
    if (!OBJECT_NAME.test(id)) throw new SnapshotError(`not an object name: ${id}`);
    return path.join(this.dir, 'objects', id.slice(0, 2), id);
  }

  hasObject(id: string): boolean {
    return fs.existsSync(this.objectPath(id));
  }

  /** Stores a chunk (if it is not stored yet); returns its object name and whether it was new. */
  putChunk(plain: Buffer, sha256: string): { id: string; added: boolean; bytes: number } {
    const id = this.codec.name(sha256);
    const file = this.objectPath(id);
    if (fs.existsSync(file)) return { id, added: false, bytes: 0 };
    const sealed = this.codec.seal(plain);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // The folder's entry reaches the disk in flush(), once per snapshot, before the manifest.
    writeAtomic(path.dirname(file), id, sealed, this.tempPath('object'), false);
    this.unsyncedDirs.add(path.dirname(file));
    return { id, added: true, bytes: sealed.length };
  }

  private readonly unsyncedDirs = new Set<string>();

  /** Makes the names of the objects written so far durable (call before writeManifest). */
  flush(): void {
    for (const dir of this.unsyncedDirs) fsyncPath(dir);
    if (this.unsyncedDirs.size > 0) fsyncPath(path.join(this.dir, 'objects'));
    this.unsyncedDirs.clear();
  }

  /** A chunk's plain bytes, checked against its SHA-256 by the caller. */
  readObject(id: string): Buffer {
    const file = this.objectPath(id);
    let stored: Buffer;
    try {
      stored = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SnapshotDamagedError(file, 'is missing');
      throw e;
    }
    return this.codec.open(stored, file);
  }

  /** Every object's name (for prune). */
  *objectIds(): Generator<string> {
    const root = path.join(this.dir, 'objects');
    for (const sub of fs.readdirSync(root)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of fs.readdirSync(path.join(root, sub))) if (OBJECT_NAME.test(name)) yield name;
    }
  }

  removeObject(id: string): void {
    fs.rmSync(this.objectPath(id), { force: true });
  }

  /** Snapshot ids, oldest first (ids begin with their UTC time). */
  snapshotIds(): string[] {
    return fs
      .readdirSync(path.join(this.dir, 'snapshots'))
      .filter((n) => SNAPSHOT_ID.test(n))
      .sort();
  }

  manifestPath(id: string): string {
    if (!SNAPSHOT_ID.test(id)) throw new SnapshotError(`not a snapshot id: ${id} (see textvault snapshot list --to ${this.dir})`);
    return path.join(this.dir, 'snapshots', id);
  }

  readManifest(id: string): SnapshotManifest {
    const file = this.manifestPath(id);
    let stored: Buffer;
    try {
      stored = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SnapshotError(`no snapshot ${id} in ${this.dir} (see textvault snapshot list --to ${this.dir})`);
      throw e;
    }
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
  writeManifest(m: SnapshotManifest): void {
    this.flush();
    const file = this.manifestPath(m.id);
    writeAtomic(path.dirname(file), m.id, this.codec.seal(Buffer.from(JSON.stringify(m))), this.tempPath('manifest'));
  }

  removeManifest(id: string): void {
    fs.rmSync(this.manifestPath(id), { force: true });
    fsyncPath(path.join(this.dir, 'snapshots'));
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

/** Writes `bytes` to dir/name through a temp file, fsynced, renamed, and the folder fsynced. */
function writeAtomic(dir: string, name: string, bytes: Buffer, tmp = path.join(dir, `.${name}.tmp-${process.pid}`), syncDir = true): void {
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  if (syncDir) fsyncPath(dir);
}

export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
