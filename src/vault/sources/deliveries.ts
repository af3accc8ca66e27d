/**
 * What an import job from a source means for that source: its health (last success or error,
 * newest message, last delivery) and the "deleted on phone" marks of a full backup.
 */
import path from 'node:path';
import { NotABackupError } from '../../formats/errors.js';
import type { ImportResult } from '../import/import-backup.js';
import type { Vault } from '../vault.js';
import { recordSourceBackup, sourceKey } from './phone-deletions.js';
import { noteError, noteSuccess, type ControlDb } from './registry.js';

/** Date of the newest message (or call) a backup held: walks the date index from the newest down. */
async function newestIn(vault: Vault, r: ImportResult): Promise<number | null> {
  const table = r.content === 'calls' ? 'calls' : 'messages';
  const row = await vault.db.selectFrom(table).select('date_ms').where('last_backup_id', '=', r.backupId).orderBy('date_ms', 'desc').limit(1).executeTakeFirst();
  return row?.date_ms ?? null;
}

/** Call after an import job from a source completed. Idempotent: a re-run of the job changes nothing more. */
export async function noteSourceImport(vault: Vault, control: ControlDb, sourceId: number, results: ImportResult[]): Promise<{ marked: number; unmarked: number }> {
  let marked = 0;
  let unmarked = 0;
  let newest: number | null = null;
  for (const r of results) {
    const update = await recordSourceBackup(vault, sourceKey(sourceId), r.backupId);
    marked += update.marked;
    unmarked += update.unmarked;
    // Other contents (contacts files) carry no message dates.
    const dated: string[] = ['messages', 'calls'];
    if (r.status !== 'skipped' && dated.includes(r.content)) {
      const n = await newestIn(vault, r);
      if (n !== null) newest = Math.max(newest ?? 0, n);
    }
  }
  await noteSuccess(control, sourceId, { delivered: results.some((r) => r.status !== 'skipped'), newestMessageMs: newest });
  return { marked, unmarked };
}

/**
 * A source's failed import as every web user sees it (its health, the job): a file that is no
 * backup is named, not quoted. The import's own message shows the file's first bytes, which is
 * what a user importing their own file needs, but a watched folder's file is not theirs to read.
 */
export function sourceFailureMessage(e: unknown, originalName: string | undefined): string {
  if (e instanceof NotABackupError) return `${originalName ?? path.basename(e.file)}: not ${e.expected === '' ? 'a backup Textvault can read' : e.expected}`;
  return e instanceof Error ? e.message : String(e);
}

export async function noteSourceFailure(control: ControlDb, sourceId: number, error: string): Promise<void> {
  await noteError(control, sourceId, error);
}
