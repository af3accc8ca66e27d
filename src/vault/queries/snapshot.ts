/**
 * Per-vault caches of aggregates (conversation summaries, chart series) that would otherwise
 * scan every message on each request. An aggregate is recomputed only when the archive changed:
 * every import commits a `backups` row in the same transaction as its records, so the newest
 * backup id (with the row count, for deletions) stamps the archive's state exactly.
 */
import type { Vault } from '../vault.js';

interface Entry {
  stamp: string;
  value: Promise<unknown>;
}

/** How a value is kept in the database across restarts (aggregate_cache, migration 0018). */
export interface Persisted<T> {
  encode(value: T): string;
  decode(text: string): T;
  /**
   * Brings a value computed for an earlier state (`since`, a stamp) up to the archive as it is
   * now, without the full computation; undefined when it cannot tell it would be right (then the
   * value is computed again). Must not change `previous`: callers may still hold it.
   */
  extend?(vault: Vault, previous: T, since: string): Promise<T | undefined>;
}

/** A stamp's parts: the newest backup id and the number of backups. */
export function parseStamp(stamp: string): { backupId: number; backups: number } {
  const [id = '0', n = '0'] = stamp.split(':');
  return { backupId: Number(id), backups: Number(n) };
}

const caches = new WeakMap<Vault, Map<string, Entry>>();

async function stampOf(vault: Vault): Promise<string> {
  const r = await vault.db
    .selectFrom('backups')
    .select([(eb) => eb.fn.max<number | null>('id').as('id'), (eb) => eb.fn.countAll<number>().as('n')])
    .executeTakeFirstOrThrow();
  return `${r.id ?? 0}:${r.n}`;
}

/**
 * The cached value of `key` for the archive as it is now, computing it when the archive changed.
 * Callers that ask while it is computed wait for that one computation. With `persisted`, a value
 * computed for the same state by an earlier process is read back from the database instead, and
 * a new one is kept there.
 */
export async function cached<T>(vault: Vault, key: string, compute: () => Promise<T>, persisted?: Persisted<T>): Promise<T> {
  let map = caches.get(vault);
  if (map === undefined) {
    map = new Map();
    caches.set(vault, map);
  }
  const stamp = await stampOf(vault);
  const hit = map.get(key);
  if (hit !== undefined && hit.stamp === stamp) return hit.value as Promise<T>;
  const earlier = hit === undefined ? undefined : { stamp: hit.stamp, value: hit.value as Promise<T> };
  const value = persisted === undefined ? compute() : readOrCompute(vault, key, stamp, compute, persisted, earlier);
  map.set(key, { stamp, value });
  // A failed computation is not kept: the next caller tries again.
  value.catch(() => {
    if (map.get(key)?.value === value) map.delete(key);
  });
  return value;
}

async function readOrCompute<T>(
  vault: Vault,
  key: string,
  stamp: string,
  compute: () => Promise<T>,
  persisted: Persisted<T>,
  earlier: { stamp: string; value: Promise<T> } | undefined,
): Promise<T> {
  const row = await vault.db.selectFrom('aggregate_cache').select(['stamp', 'value']).where('key', '=', key).executeTakeFirst();
  if (row?.stamp === stamp) return persisted.decode(row.value);
  // The value of an earlier state, this process's or the database's, extended by what came since.
  let value: T | undefined;
  if (persisted.extend !== undefined) {
    const base = earlier ?? (row === undefined ? undefined : { stamp: row.stamp, value: Promise.resolve(persisted.decode(row.value)) });
    const previous = base === undefined ? undefined : await settled(base.value);
    if (base !== undefined && previous !== undefined) value = await persisted.extend(vault, previous.value, base.stamp);
  }
  value ??= await compute();
  try {
    await vault.db
      .insertInto('aggregate_cache')
      .values({ key, stamp, value: persisted.encode(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ stamp, value: persisted.encode(value) }))
      .execute();
  } catch {
    // Only a cache: a vault opened read-only (a snapshot) or busy computes it again next time.
  }
  return value;
}

/** The value of a promise, or undefined when it failed (a failed earlier computation is no base). */
async function settled<T>(p: Promise<T>): Promise<{ value: T } | undefined> {
  try {
    return { value: await p };
  } catch {
    return undefined;
  }
}
