/**
 * The archive-wide side of derived media (derived-media.ts): `textvault media prebuild` converts
 * every original ahead of time, `textvault media prune` drops every derived file, and verify
 * counts derived data apart from the archive (it can always be made again).
 */
import { sql } from 'kysely';
import type { Vault } from '../vault.js';
import { DerivedMedia, type DerivedMediaOptions, type Original } from './derived-media.js';

export interface PruneReport {
  rowsRemoved: number;
  blobsRemoved: number;
  /** Bytes of derived files of their own; packed ones are given back by `textvault gc`'s compaction. */
  fileBytesFreed: number;
  seconds: number;
}

/**
 * Drops all derived data. Under the gc and import locks, as gc removes blobs: an import or gc
 * deciding what is referenced meanwhile would see half of it. A derived blob whose bytes are also
 * an original (or were made again meanwhile) is kept.
 */
export async function pruneDerived(vault: Vault, options: { waitMs?: number } = {}): Promise<PruneReport> {
  const started = Date.now();
  const wait = options.waitMs === undefined ? {} : { timeoutMs: options.waitMs };
  const gcLock = await vault.locks.acquireWaiting('gc', wait);
  try {
    const importLock = await vault.locks.acquireWaiting('import', wait);
    try {
      const named = await vault.db.selectFrom('derived_media').select('sha256').distinct().where('sha256', 'is not', null).execute();
      const deleted = await vault.db.deleteFrom('derived_media').executeTakeFirst();
      let blobsRemoved = 0;
      let fileBytesFreed = 0;
      for (const { sha256 } of named) {
        if (sha256 === null) continue;
        const original = await vault.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
        const again = await vault.db.selectFrom('derived_media').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
        if (original !== undefined || again !== undefined || !(await vault.blobs.has(sha256))) continue;
        fileBytesFreed += await vault.blobs.delete(sha256);
        blobsRemoved++;
      }
      return { rowsRemoved: Number(deleted.numDeletedRows), blobsRemoved, fileBytesFreed, seconds: (Date.now() - started) / 1000 };
    } finally {
      importLock.release();
    }
  } finally {
    gcLock.release();
  }
}

export interface PrebuildReport {
  /** Distinct media originals (image, video and audio parts) looked at. */
  originals: number;
  converted: number;
  /** Already cached. */
  cached: number;
  /** Cached as "could not convert". */
  failed: number;
  seconds: number;
}

/** Originals worth converting: parts the backup calls image, video or audio, each blob once. */
async function mediaOriginals(vault: Vault): Promise<Original[]> {
  const rows = await vault.db
    .selectFrom('mms_parts')
    .innerJoin('blobs', 'blobs.sha256', 'mms_parts.blob_sha256')
    .select(['blobs.sha256', 'blobs.size', sql<string | null>`min(mms_parts.content_type)`.as('content_type')])
    .where((eb) => eb.or([eb(sql`lower(mms_parts.content_type)`, 'like', 'image/%'), eb(sql`lower(mms_parts.content_type)`, 'like', 'video/%'), eb(sql`lower(mms_parts.content_type)`, 'like', 'audio/%')]))
    .groupBy('blobs.sha256')
    .orderBy('blobs.sha256')
    .execute();
  return rows.map((r) => ({ sha256: r.sha256, size: r.size, contentType: r.content_type }));
}

/** Converts every media original not converted yet (ToolMissingError when ffmpeg or heif-dec is needed and missing). */
export async function prebuildDerived(vault: Vault, options: DerivedMediaOptions & { onProgress?: (done: number, total: number) => void } = {}): Promise<PrebuildReport> {
  const started = Date.now();
  const originals = await mediaOriginals(vault);
  const derived = new DerivedMedia(vault, options);
  let converted = 0;
  try {
    for (const [i, original] of originals.entries()) {
      if (await derived.prebuild(original)) converted++;
      options.onProgress?.(i + 1, originals.length);
    }
  } finally {
    await derived.close();
  }
  const failed = await vault.db.selectFrom('derived_media').select((eb) => eb.fn.countAll<number>().as('n')).where('variant', '=', 'view').where('status', '=', 'failed').executeTakeFirstOrThrow();
  return { originals: originals.length, converted, cached: originals.length - converted, failed: failed.n, seconds: (Date.now() - started) / 1000 };
}

export interface DerivedCheck {
  /** Derived files the archive names, and their bytes when present and whole. */
  files: number;
  bytes: number;
  /** Missing or damaged: not archive problems (made again on the next view, or by prebuild). */
  missing: number;
  damaged: number;
  /** Originals cached as "could not convert". */
  failed: number;
}

/** verify's look at derived data: every named derived file re-hashed, counted apart. */
export async function checkDerived(vault: Vault): Promise<DerivedCheck> {
  const out: DerivedCheck = { files: 0, bytes: 0, missing: 0, damaged: 0, failed: 0 };
  const named = await vault.db.selectFrom('derived_media').select(['sha256', 'size']).distinct().where('sha256', 'is not', null).execute();
  for (const r of named) {
    if (r.sha256 === null) continue;
    out.files++;
    const check = await vault.blobs.check(r.sha256, r.size ?? undefined);
    if (check.status === 'missing') out.missing++;
    else if (check.status === 'corrupt') out.damaged++;
    else out.bytes += check.size;
  }
  const failed = await vault.db.selectFrom('derived_media').select((eb) => eb.fn.countAll<number>().as('n')).where('variant', '=', 'view').where('status', '=', 'failed').executeTakeFirstOrThrow();
  out.failed = failed.n;
  return out;
}
