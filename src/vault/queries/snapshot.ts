/**
 * Per-vault caches of aggregates (conversation summaries, chart series) that would otherwise
 * scan every message on each request. An aggregate is recomputed only when the archive changed:
 * every import commits a `backups` row in the same transaction as its records, so the newest
 * backup id (with the row count, for deletions) stamps the archive's state exactly.
 */
import type { Vault } from '../vault.js';

interface Entry {
  stamp: string;
  value: unknown;
}

const caches = new WeakMap<Vault, Map<string, Entry>>();

async function stampOf(vault: Vault): Promise<string> {
  const r = await vault.db
    .selectFrom('backups')
    .select([(eb) => eb.fn.max<number | null>('id').as('id'), (eb) => eb.fn.countAll<number>().as('n')])
    .executeTakeFirstOrThrow();
  return `${r.id ?? 0}:${r.n}`;
}

/** The cached value of `key` for the archive as it is now, computing it when the archive changed. */
export async function cached<T>(vault: Vault, key: string, compute: () => Promise<T>): Promise<T> {
  let map = caches.get(vault);
  if (map === undefined) {
    map = new Map();
    caches.set(vault, map);
  }
  const stamp = await stampOf(vault);
  const hit = map.get(key);
  if (hit !== undefined && hit.stamp === stamp) return hit.value as T;
  const value = await compute();
  map.set(key, { stamp, value });
  return value;
}
