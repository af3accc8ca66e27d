/**
 * `--keep N`: the N newest snapshots stay; older manifests are removed, then the objects no
 * remaining manifest names. Manifests go first, so a prune killed half-way leaves whole
 * snapshots and objects nothing names (removed by the next prune). The caller holds the lock.
 */
import type { SnapshotRepository } from './repository.js';
import { SnapshotError } from './errors.js';

export async function pruneSnapshots(repo: SnapshotRepository, keep: number): Promise<string[]> {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new SnapshotError(`--keep must be a whole number of at least 1, not ${keep}`);
  const ids = await repo.snapshotIds();
  const old = ids.slice(0, Math.max(0, ids.length - keep));
  for (const id of old) await repo.removeManifest(id);
  // An object is only removed when every remaining manifest could be read: one that cannot
  // might name it, and a damaged manifest is no reason to lose what other copies share.
  const used = new Set<string>();
  for (const id of await repo.snapshotIds()) for (const f of (await repo.readManifest(id)).files) for (const c of f.chunks) used.add(c.id);
  for (const obj of await repo.objectIds()) if (!used.has(obj)) await repo.removeObject(obj);
  return old;
}
