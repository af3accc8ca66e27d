/**
 * The checkpoints an import of a growing backup file keeps, and those a later import of the file
 * compares its bytes with (formats/sbr/prefix-read.ts; migration 0017). A checkpoint carries the
 * import's counts at that point, so the records a later import skips still count in its totals.
 */
import type { BodyCheckpoint } from '../../formats/backup-unit.js';
import type { MatchOptions } from '../identity.js';
import type { Vault } from '../vault.js';

/** Bytes between checkpoints: a growing file's new records are read from at most this far back. */
export const CHECKPOINT_EVERY = 32 * 1024 * 1024;
/** Smaller files are read whole (in a second or two) and keep no checkpoints. */
export const CHECKPOINT_MIN_FILE = 2 * CHECKPOINT_EVERY;
/** Earlier imports compared with: the last few of this kind (the messages and the calls file of each run). */
const CANDIDATES = 4;

export interface PrefixCounts {
  read: number;
  rejected: number;
  sms: number;
  mms: number;
  calls: number;
}

export interface StoredCheckpoint extends BodyCheckpoint {
  backupId: number;
  counts: PrefixCounts;
}

/**
 * The identity settings records are matched with: records skipped because an import with other
 * settings read them could have been new under these, so only checkpoints of equal settings count.
 */
export function identitySettings(region: string, match: MatchOptions): string {
  return JSON.stringify({ region, match: Object.fromEntries(Object.entries(match).sort(([a], [b]) => a.localeCompare(b))) });
}

/** The checkpoints of the last complete imports of this format made with these settings, one list per import. */
export async function knownCheckpoints(vault: Vault, format: string, settings: string): Promise<StoredCheckpoint[][]> {
  const backups = await vault.db
    .selectFrom('backups')
    .select('id')
    .where('format', '=', format)
    .where('status', '=', 'complete')
    .where((eb) => eb.exists(eb.selectFrom('body_checkpoints').select('backup_id').whereRef('body_checkpoints.backup_id', '=', 'backups.id').where('body_checkpoints.settings', '=', settings)))
    .orderBy('id', 'desc')
    .limit(CANDIDATES)
    .execute();
  const lists: StoredCheckpoint[][] = [];
  for (const { id } of backups) {
    const rows = await vault.db.selectFrom('body_checkpoints').selectAll().where('backup_id', '=', id).where('settings', '=', settings).orderBy('offset').execute();
    lists.push(
      rows.map((r) => ({
        backupId: id,
        offset: r.offset,
        sha256: r.sha256,
        lines: r.lines,
        column: r.column_no,
        counts: { read: r.read, rejected: r.rejected, sms: r.sms, mms: r.mms, calls: r.calls },
      })),
    );
  }
  return lists;
}

/** The known checkpoint a reader resumed at (it hands back one of `known`'s points). */
export function resumedFrom(known: readonly (readonly StoredCheckpoint[])[], at: BodyCheckpoint): { checkpoint: StoredCheckpoint; before: StoredCheckpoint[] } {
  for (const list of known) {
    const i = list.findIndex((c) => c.offset === at.offset && c.sha256 === at.sha256);
    const checkpoint = list[i];
    if (checkpoint !== undefined) return { checkpoint, before: list.slice(0, i + 1) };
  }
  throw new Error(`resumed at a checkpoint that was not offered (offset ${at.offset})`);
}

/** Keeps a complete import's checkpoints; part of its transaction. */
export async function saveCheckpoints(vault: Vault, backupId: number, settings: string, checkpoints: readonly StoredCheckpoint[]): Promise<void> {
  for (let i = 0; i < checkpoints.length; i += 100) {
    await vault.db
      .insertInto('body_checkpoints')
      .values(
        checkpoints.slice(i, i + 100).map((c) => ({
          backup_id: backupId,
          offset: c.offset,
          sha256: c.sha256,
          lines: c.lines,
          column_no: c.column,
          settings,
          ...c.counts,
        })),
      )
      .execute();
  }
}
