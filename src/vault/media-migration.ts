/**
 * `textvault migrate --media s3://...`: moves a vault's media from its folder to S3-compatible
 * storage (issue 24), through the MediaStore interface on both sides, so the same code moves any
 * store to any other.
 *
 * Safe at every moment: the vault keeps using its old store until every blob the archive names
 * is committed in the new one; only then does the archive's record (media-location.ts) switch, in
 * one write. A run killed before that leaves the vault as it was, and the next run skips what the
 * new store already holds. Imports and gc wait meanwhile (both locks are held), and a process that
 * opened the vault before the switch refuses to import into the old store afterwards
 * (assertMediaLocationCurrent).
 */
import type { MediaStore } from '../blobs/media-store.js';
import { openMediaStore } from '../blobs/open-media-store.js';
import { describeMediaLocation, MediaLocationError, recordMediaLocation, resolveMediaLocation, targetMediaLocation } from './media-location.js';
import type { Vault } from './vault.js';

/** Blobs staged before each upload round: bounds the spool on disk and the work a kill loses. */
const BATCH_BLOBS = 64;
const BATCH_BYTES = 256 * 1024 * 1024;

export interface MediaMigrationProgress {
  done: number;
  total: number;
  copied: number;
  copiedBytes: number;
}

export interface MediaMigrationReport extends MediaMigrationProgress {
  /** Blobs the new store had already (an earlier, interrupted run). */
  present: number;
  url: string;
  seconds: number;
}

/** Copies one blob, streamed: the new store hashes what it receives, and it must be the same name. */
async function copyBlob(from: MediaStore, to: MediaStore, sha256: string): Promise<number> {
  const sink = to.begin();
  try {
    for await (const chunk of from.chunks(sha256)) sink.write(chunk);
  } catch (e) {
    sink.abort();
    throw new MediaLocationError(`media ${sha256} could not be read from ${from.describe(sha256)} (${e instanceof Error ? e.message : String(e)}); run textvault verify, then migrate again`);
  }
  const info = sink.finish();
  if (info.sha256 !== sha256) throw new MediaLocationError(`media ${sha256} in ${from.describe(sha256)} holds other bytes (${info.sha256}); run textvault verify --repair, then migrate again`);
  return info.size;
}

export async function migrateMedia(vault: Vault, url: string, options: { onProgress?: (p: MediaMigrationProgress) => void; env?: NodeJS.ProcessEnv } = {}): Promise<MediaMigrationReport> {
  const started = performance.now();
  const importLock = vault.locks.acquire('import');
  try {
    const gcLock = vault.locks.acquire('gc');
    try {
      const current = await resolveMediaLocation(vault.db, vault.dir, undefined, options.env);
      const target = targetMediaLocation(vault.dir, url, options.env);
      if (current.backend !== 'local') throw new MediaLocationError(`this vault's media are already in ${describeMediaLocation(current)}`);
      const to = await openMediaStore(target);
      try {
        await to.beginImport();
        const names = (await vault.db.selectFrom('blobs').select('sha256').orderBy('sha256').execute()).map((r) => r.sha256);
        const progress: MediaMigrationProgress = { done: 0, total: names.length, copied: 0, copiedBytes: 0 };
        let present = 0;
        let stagedBlobs = 0;
        let stagedBytes = 0;
        const commit = async (): Promise<void> => {
          await to.commitStaged();
          progress.done += stagedBlobs;
          stagedBlobs = 0;
          stagedBytes = 0;
          options.onProgress?.({ ...progress });
        };
        try {
          for (const sha256 of names) {
            if (await to.has(sha256)) {
              present++;
              progress.done++;
              continue;
            }
            const size = await copyBlob(vault.blobs, to, sha256);
            progress.copied++;
            progress.copiedBytes += size;
            stagedBlobs++;
            stagedBytes += size;
            if (stagedBlobs >= BATCH_BLOBS || stagedBytes >= BATCH_BYTES) await commit();
          }
          await commit();
        } catch (e) {
          to.discardStaged();
          throw e;
        }
        // Every blob is durable in the new store: only now does the vault switch to it.
        await recordMediaLocation(vault.db, target);
        return { ...progress, present, url: describeMediaLocation(target), seconds: (performance.now() - started) / 1000 };
      } finally {
        await to.close();
      }
    } finally {
      gcLock.release();
    }
  } finally {
    importLock.release();
  }
}
