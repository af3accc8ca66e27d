/**
 * A snapshot folder on a disk (a mounted drive, a NAS, a synced folder). Every entry is written
 * to tmp/, fsynced and renamed into place; the folders' entries of new objects are fsynced in
 * flush(), once per snapshot, before its manifest.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncPath } from '../fsync.js';
import { processAlive } from '../lock.js';
import { SnapshotBusyError, SnapshotError } from './errors.js';
import { HEADER_FILE, manifestKey, objectKey, type SnapshotStorage, type StorageLock } from './storage.js';

const OBJECT_NAME = /^[0-9a-f]{64}$/;

export class FolderStorage implements SnapshotStorage {
  readonly location: string;
  private readonly unsyncedDirs = new Set<string>();

  constructor(dir: string) {
    this.location = path.resolve(dir);
  }

  get localWorkDir(): string {
    return path.join(this.location, 'tmp');
  }

  describe(entry: string): string {
    return path.join(this.location, ...entry.split('/'));
  }

  readHeader(): Promise<Buffer | undefined> {
    return Promise.resolve(readIfThere(path.join(this.location, HEADER_FILE)));
  }

  create(header: Buffer): Promise<void> {
    fs.mkdirSync(this.location, { recursive: true, mode: 0o700 });
    const left = fs.readdirSync(this.location).filter((n) => !n.startsWith('.'));
    if (left.length > 0) throw new SnapshotError(`${this.location} is not empty and holds no snapshots: give an empty or new folder to keep snapshots in`);
    writeAtomic(this.location, HEADER_FILE, header);
    this.prepare();
    return Promise.resolve();
  }

  /** The sub-folders (made when missing: an older folder, or one copied without its empty folders). */
  prepare(): void {
    for (const sub of ['objects', 'snapshots', 'tmp']) fs.mkdirSync(path.join(this.location, sub), { recursive: true, mode: 0o700 });
  }

  lock(): Promise<StorageLock> {
    this.prepare();
    const file = path.join(this.location, 'lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx', 0o600);
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        // What a killed writer left in tmp/.
        const tmp = path.join(this.location, 'tmp');
        for (const name of fs.readdirSync(tmp)) fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
        return Promise.resolve({
          release: () => {
            fs.rmSync(file, { force: true });
            return Promise.resolve();
          },
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new SnapshotBusyError(this.location, pid);
        fs.rmSync(file, { force: true });
      }
    }
    throw new SnapshotError(`could not take the lock ${file}`);
  }

  private objectFile(name: string): string {
    if (!OBJECT_NAME.test(name)) throw new SnapshotError(`not an object name: ${name}`);
    return this.describe(objectKey(name));
  }

  hasObject(name: string): Promise<boolean> {
    return Promise.resolve(fs.existsSync(this.objectFile(name)));
  }

  putObject(name: string, bytes: Buffer): Promise<void> {
    const file = this.objectFile(name);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeAtomic(path.dirname(file), name, bytes, this.tempPath('object'), false);
    this.unsyncedDirs.add(path.dirname(file));
    return Promise.resolve();
  }

  getObject(name: string): Promise<Buffer | undefined> {
    return Promise.resolve(readIfThere(this.objectFile(name)));
  }

  objectNames(): Promise<string[]> {
    const root = path.join(this.location, 'objects');
    const out: string[] = [];
    for (const sub of safeReaddir(root)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of fs.readdirSync(path.join(root, sub))) if (OBJECT_NAME.test(name)) out.push(name);
    }
    return Promise.resolve(out);
  }

  removeObject(name: string): Promise<void> {
    fs.rmSync(this.objectFile(name), { force: true });
    return Promise.resolve();
  }

  flush(): Promise<void> {
    for (const dir of this.unsyncedDirs) fsyncPath(dir);
    if (this.unsyncedDirs.size > 0) fsyncPath(path.join(this.location, 'objects'));
    this.unsyncedDirs.clear();
    return Promise.resolve();
  }

  manifestNames(): Promise<string[]> {
    return Promise.resolve(safeReaddir(path.join(this.location, 'snapshots')));
  }

  putManifest(id: string, bytes: Buffer): Promise<void> {
    const file = this.describe(manifestKey(id));
    writeAtomic(path.dirname(file), id, bytes, this.tempPath('manifest'));
    return Promise.resolve();
  }

  getManifest(id: string): Promise<Buffer | undefined> {
    return Promise.resolve(readIfThere(this.describe(manifestKey(id))));
  }

  removeManifest(id: string): Promise<void> {
    fs.rmSync(this.describe(manifestKey(id)), { force: true });
    fsyncPath(path.join(this.location, 'snapshots'));
    return Promise.resolve();
  }

  /** A temp file's path (tmp/ is on the folder's disk, so it renames into place). */
  private tempPath(label: string): string {
    return path.join(this.location, 'tmp', `${label}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SnapshotError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
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
