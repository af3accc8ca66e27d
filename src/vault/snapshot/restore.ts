/**
 * `textvault restore --from DIR|s3://... --vault NEW`: writes a snapshot's files into a new vault folder.
 * Every chunk is checked against its SHA-256, and every file against its own, before the folder
 * gets its name: the files are written into a sibling folder renamed into place at the end, so
 * a failed or killed restore leaves no half vault where a vault is expected.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SnapshotDamagedError, SnapshotError } from './errors.js';
import { isSafeRelativePath, type SnapshotFile, type SnapshotManifest } from './manifest.js';
import { fsyncPath } from '../fsync.js';
import type { SnapshotRepository } from './repository.js';

/** The snapshot `id`, or the newest one. */
export async function pickSnapshot(repo: SnapshotRepository, id?: string): Promise<SnapshotManifest> {
  if (id !== undefined) return repo.readManifest(id);
  const latest = (await repo.snapshotIds()).at(-1);
  if (latest === undefined) throw new SnapshotError(`no snapshots in ${repo.dir} yet: take one with textvault snapshot --to ${repo.dir}`);
  return repo.readManifest(latest);
}

export interface RestoreResult {
  id: string;
  vault: string;
  files: number;
  bytes: number;
}

export async function restoreSnapshot(repo: SnapshotRepository, target: string, id?: string, onFile?: (done: number, total: number) => void): Promise<RestoreResult> {
  const dest = path.resolve(target);
  if (fs.existsSync(dest) && (!fs.statSync(dest).isDirectory() || fs.readdirSync(dest).length > 0))
    throw new SnapshotError(`${dest} is not empty: restore into a new folder (the vault there is not overwritten)`);
  const manifest = await pickSnapshot(repo, id);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const work = `${dest}.restoring-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { mode: 0o700 });
  try {
    let bytes = 0;
    const dirs = new Set<string>([work]);
    for (const [i, f] of manifest.files.entries()) {
      if (!isSafeRelativePath(f.path)) throw new SnapshotDamagedError(repo.manifestPath(manifest.id), `names a file outside the vault (${JSON.stringify(f.path)})`);
      const file = path.join(work, ...f.path.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      dirs.add(path.dirname(file));
      await writeFileFromChunks(repo, manifest.id, f, file);
      bytes += f.size;
      onFile?.(i + 1, manifest.files.length);
    }
    for (const d of dirs) fsyncPath(d);
    fs.renameSync(work, dest);
    fsyncPath(path.dirname(dest));
    return { id: manifest.id, vault: dest, files: manifest.files.length, bytes };
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

async function writeFileFromChunks(repo: SnapshotRepository, id: string, f: SnapshotFile, file: string): Promise<void> {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    const whole = createHash('sha256');
    let position = 0;
    for (const chunk of f.chunks) {
      const plain = await checkedChunk(repo, chunk, f.path);
      whole.update(plain);
      let done = 0;
      while (done < plain.length) done += fs.writeSync(fd, plain, done, plain.length - done, position + done);
      position += plain.length;
    }
    if (position !== f.size || whole.digest('hex') !== f.sha256) throw new SnapshotDamagedError(repo.manifestPath(id), `names chunks for ${f.path} that do not add up to the SHA-256 it records for it`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A chunk's plain bytes, checked against its size and SHA-256. */
export async function checkedChunk(repo: SnapshotRepository, chunk: { id: string; sha256: string; size: number }, of: string): Promise<Buffer> {
  const plain = await repo.readObject(chunk.id);
  const file = repo.objectPath(chunk.id);
  if (plain.length !== chunk.size) throw new SnapshotDamagedError(file, `holds ${plain.length} bytes of ${of} where ${chunk.size} were stored (cut short?)`);
  if (createHash('sha256').update(plain).digest('hex') !== chunk.sha256) throw new SnapshotDamagedError(file, `(part of ${of}) does not match its SHA-256: it was altered or damaged`);
  return plain;
}
