/**
 * `textvault snapshot verify`: checks snapshots without restoring them. Every chunk is read,
 * decrypted when the folder is encrypted, and checked against its SHA-256, and every file
 * against its own; each problem names the object file or manifest at fault.
 */
import { createHash } from 'node:crypto';
import { SnapshotError } from './errors.js';
import type { SnapshotRepository } from './repository.js';
import { checkedChunk } from './restore.js';

export interface SnapshotVerifyReport {
  ok: boolean;
  snapshots: string[];
  files: number;
  bytes: number;
  problems: string[];
}

export async function verifySnapshots(repo: SnapshotRepository, which: { id?: string; all?: boolean } = {}, onFile?: (done: number, total: number) => void): Promise<SnapshotVerifyReport> {
  const all = await repo.snapshotIds();
  const ids = which.id !== undefined ? [which.id] : which.all === true ? all : all.slice(-1);
  if (ids.length === 0) throw new SnapshotError(`no snapshots in ${repo.dir} yet: take one with textvault snapshot --to ${repo.dir}`);
  const problems: string[] = [];
  /** Files already checked whole (most files of one snapshot are in the next one too). */
  const checked = new Set<string>();
  let files = 0;
  let bytes = 0;
  for (const id of ids) {
    let manifest;
    try {
      manifest = await repo.readManifest(id);
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      problems.push(e.message);
      continue;
    }
    for (const [i, f] of manifest.files.entries()) {
      onFile?.(i + 1, manifest.files.length);
      const key = `${f.sha256}:${f.chunks.map((c) => c.id).join(',')}`;
      if (checked.has(key)) continue;
      const whole = createHash('sha256');
      let size = 0;
      let broken = false;
      for (const chunk of f.chunks) {
        try {
          const plain = await checkedChunk(repo, chunk, f.path);
          whole.update(plain);
          size += plain.length;
        } catch (e) {
          if (!(e instanceof SnapshotError)) throw e;
          problems.push(`snapshot ${id}: ${e.message}`);
          broken = true;
          break;
        }
      }
      if (!broken && (size !== f.size || whole.digest('hex') !== f.sha256)) problems.push(`snapshot ${id}: ${f.path} put together from its chunks does not match the SHA-256 in ${repo.manifestPath(id)}`);
      if (!broken) checked.add(key);
      files++;
      bytes += f.size;
    }
  }
  return { ok: problems.length === 0, snapshots: ids, files, bytes, problems };
}
