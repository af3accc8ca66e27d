/**
 * The `backups` row of one import run: opened inside the import's transaction (so a failed
 * import leaves no trace) and completed with the run's counts just before the commit.
 */
import path from 'node:path';
import type { BackupUnit } from '../../formats/backup-unit.js';
import { attr, type BackupHeader } from '../../formats/records.js';
import type { Vault } from '../vault.js';

export interface RunCounts {
  read: number;
  new: number;
  duplicate: number;
  updated: number;
  rejected: number;
  warnings: number;
}

/** The backup's own `backup_date` (ms), 0 when it has none or it is not a number. */
export function backupDateOf(header: BackupHeader): number {
  const d = Number(attr(header.rootAttrs, 'backup_date') ?? 0);
  return Number.isSafeInteger(d) ? d : 0;
}

export async function startBackupRun(vault: Vault, entry: BackupUnit, regionNote: string, startedAt: number, displayName?: string): Promise<number> {
  // A source URL (imap://user@host/SMS) is kept as it is; a file is made absolute.
  const file = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry.file) ? entry.file : path.resolve(entry.file);
  const inserted = await vault.db
    .insertInto('backups')
    .values({
      source_path: entry.entryName === undefined ? file : `${file}!${entry.entryName}`,
      // An entry of a ZIP keeps its own name; a whole file takes the name it was given, if any.
      file_name: entry.entryName !== undefined ? path.basename(entry.entryName) : (displayName ?? path.basename(entry.file)),
      format: entry.format,
      content: entry.content,
      file_size: 0,
      file_sha256: '',
      started_at: startedAt,
      ended_at: startedAt,
      status: 'running',
      read_count: 0,
      new_count: 0,
      duplicate_count: 0,
      updated_count: 0,
      rejected_count: 0,
      warning_count: 0,
      region: regionNote,
      header_json: '{}',
      backup_date: 0,
      notes_json: '[]',
    })
    .executeTakeFirstOrThrow();
  return Number(inserted.insertId);
}

export async function finishBackupRun(
  vault: Vault,
  id: number,
  run: { header: BackupHeader; digest: { sha256: string; size: number }; status: 'complete' | 'partial'; counts: RunCounts; notes: string[] },
): Promise<void> {
  await vault.db
    .updateTable('backups')
    .set({
      content: run.header.content,
      file_size: run.digest.size,
      file_sha256: run.digest.sha256,
      ended_at: Date.now(),
      status: run.status,
      read_count: run.counts.read,
      new_count: run.counts.new,
      duplicate_count: run.counts.duplicate,
      updated_count: run.counts.updated,
      rejected_count: run.counts.rejected,
      warning_count: run.counts.warnings,
      header_json: JSON.stringify({ rootAttrs: run.header.rootAttrs, creator: run.header.creator }),
      backup_date: backupDateOf(run.header),
      notes_json: JSON.stringify(run.notes),
    })
    .where('id', '=', id)
    .execute();
}
