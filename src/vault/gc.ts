/**
 * `textvault gc`: gives back the disk space of media nothing references, and compacts packs.
 *
 * What is kept: media the archive registers, and media made from them for the browser that a
 * `derived_media` row names (vault/media/derived-media.ts; rows of originals that went go too).
 *
 * What is reclaimed: blob rows of the archive no message part and no contact photo refers to
 * (media of messages an import replaced, of removed records), blobs the store holds that the
 * archive does not register (an import killed between its media commit and its database commit,
 * blobs of a lost index recovered by `verify --repair`), packs no index row refers to (an import
 * killed between writing and committing them), and the dead bytes in packs (blobs forgotten,
 * rewound duplicates): compaction rewrites those packs, old-format packs (which then describe
 * themselves) and many small packs (a vault fed every few minutes) into new ones.
 *
 * Why it cannot lose a referenced blob:
 * - Deciding what nothing references, and removing it, happens under the vault's import lock:
 *   an import holds that lock from the moment it looks a blob up (and skips storing bytes the
 *   store has) until its database commit, so no import can be about to refer to a blob gc
 *   removes. Archive rows go first, bytes after: a kill in between leaves unregistered bytes,
 *   which the next gc removes.
 * - Compaction runs without the import lock (an import waits only for the short first part): it
 *   only touches packs the index lists, which nothing appends to any more, copies every blob the
 *   index places in them, and moves the index rows in one transaction before the old files go
 *   (blobs/pack-maintenance.ts). A kill anywhere leaves notes the next gc finishes from.
 * - One gc at a time (gc.lock).
 */
import { sql } from 'kysely';
import type { CompactReport } from '../blobs/media-store.js';
import { param, prepare } from '../store/prepared.js';
import type { Vault } from './vault.js';

export interface GcOptions {
  /** Rewrite packs (default true); false only reclaims what is unreferenced. */
  compact?: boolean;
  /** How long to wait for a running import or gc before giving up (VaultBusyError). */
  waitMs?: number;
  signal?: AbortSignal;
  onProgress?: (step: 'sweep' | 'compact', done: number, total: number) => void;
}

export interface GcReport {
  /** Temp files and unpublished packs of interrupted imports, and what an interrupted gc left. */
  leftoversRemoved: number;
  /** Archive rows of media nothing references any more. */
  rowsRemoved: number;
  /** Stored media the archive does not register: forgotten (packed) or deleted (files of their own). */
  blobsRemoved: number;
  /** Bytes of those that were files of their own (packed ones are reclaimed by compaction). */
  fileBytesFreed: number;
  /** Packs no index row referred to and nothing needed: removed, with their bytes. */
  unindexedPacksRemoved: number;
  unindexedBytesFreed: number;
  /** Registered media found only in packs the index did not list: added to the index. */
  blobsRecovered: number;
  /** Old-format packs the index does not list: kept (nothing tells what they hold). */
  oldFormatUnindexed: string[];
  /** Null when not asked for, or when the media store has no packs (media-store.ts). */
  compaction: CompactReport | null;
  seconds: number;
}

export async function collectGarbage(vault: Vault, options: GcOptions = {}): Promise<GcReport> {
  const started = Date.now();
  const wait = { ...(options.waitMs === undefined ? {} : { timeoutMs: options.waitMs }), ...(options.signal === undefined ? {} : { signal: options.signal }) };
  const gcLock = await vault.locks.acquireWaiting('gc', wait);
  try {
    let leftoversRemoved = vault.blobs.packs?.finishInterruptedGc() ?? 0;
    const importLock = await vault.locks.acquireWaiting('import', wait);
    let swept: Omit<GcReport, 'leftoversRemoved' | 'compaction' | 'seconds'>;
    try {
      leftoversRemoved += await vault.blobs.beginImport();
      swept = await sweep(vault, options);
    } finally {
      importLock.release();
    }
    options.signal?.throwIfAborted();
    const packs = vault.blobs.packs;
    const compaction =
      options.compact === false || packs === null
        ? null
        : await packs.compactPacks({
            onProgress: (done, total) => {
              options.onProgress?.('compact', done, total);
            },
          });
    return { leftoversRemoved, ...swept, compaction, seconds: (Date.now() - started) / 1000 };
  } finally {
    gcLock.release();
  }
}

/** The part under the import lock: what nothing references goes. */
async function sweep(vault: Vault, options: GcOptions): Promise<Omit<GcReport, 'leftoversRemoved' | 'compaction' | 'seconds'>> {
  // Rows first: a kill after this leaves bytes nothing registers, which the next gc removes.
  const deleted = await sql`
    DELETE FROM blobs
    WHERE NOT EXISTS (SELECT 1 FROM mms_parts WHERE mms_parts.blob_sha256 = blobs.sha256)
      AND NOT EXISTS (SELECT 1 FROM contacts WHERE contacts.photo_sha256 = blobs.sha256)`.execute(vault.db);
  // Media made from originals that are gone go with them (vault/media/derived-media.ts).
  await sql`DELETE FROM derived_media WHERE NOT EXISTS (SELECT 1 FROM blobs WHERE blobs.sha256 = derived_media.source_sha256)`.execute(vault.db);
  const registered = prepare<{ one: number }>(vault.store.sqlite, vault.db.selectFrom('blobs').select(sql<number>`1`.as('one')).where('sha256', '=', param<string>('sha')));
  const derived = prepare<{ one: number }>(vault.store.sqlite, vault.db.selectFrom('derived_media').select(sql<number>`1`.as('one')).where('sha256', '=', param<string>('sha')));
  const isRegistered = (sha: string): boolean => registered.get({ sha }) !== undefined || derived.get({ sha }) !== undefined;

  const unindexed = vault.blobs.packs?.sweepUnindexedPacks(isRegistered) ?? { removed: 0, bytes: 0, blobsAdded: 0, oldFormatKept: [] };
  // Collected first: the index is read while it is listed, and written while removing.
  const unused: string[] = [];
  for await (const name of vault.blobs.list()) if (!isRegistered(name)) unused.push(name);
  let fileBytesFreed = 0;
  for (const [i, name] of unused.entries()) {
    fileBytesFreed += await vault.blobs.delete(name);
    if (i % 1000 === 999) options.onProgress?.('sweep', i + 1, unused.length);
  }
  options.onProgress?.('sweep', unused.length, unused.length);
  return {
    rowsRemoved: Number(deleted.numAffectedRows ?? 0n),
    blobsRemoved: unused.length,
    fileBytesFreed,
    unindexedPacksRemoved: unindexed.removed,
    unindexedBytesFreed: unindexed.bytes,
    blobsRecovered: unindexed.blobsAdded,
    oldFormatUnindexed: unindexed.oldFormatKept,
  };
}
