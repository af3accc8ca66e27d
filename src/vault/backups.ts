/**
 * The history of import runs: one entry per backup file imported. One presenter (backupRunOf) for
 * every reader of it: `textvault backups` and the API's GET /api/backups.
 */
import type { Selectable } from 'kysely';
import type { BackupsTable } from '../store/schema.js';
import type { RunCounts } from './import/backup-run.js';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './queries/cursor.js';
import type { Vault } from './vault.js';

export interface BackupRun extends RunCounts {
  id: number;
  file: string;
  /** Where the file was read from (a spooled upload's path for an upload). */
  path: string;
  format: string;
  content: string;
  status: string;
  /** Epoch ms, like every date the vault stores. */
  startedAt: number;
  endedAt: number;
  size: number;
  sha256: string;
  /** The file's own backup date (epoch ms), null when it had none. */
  backupDate: number | null;
  region: string;
  notes: string[];
}

export function backupRunOf(r: Selectable<BackupsTable>): BackupRun {
  return {
    id: r.id,
    file: r.file_name,
    path: r.source_path,
    format: r.format,
    content: r.content,
    status: r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    size: r.file_size,
    sha256: r.file_sha256,
    backupDate: r.backup_date > 0 ? r.backup_date : null,
    read: r.read_count,
    new: r.new_count,
    duplicate: r.duplicate_count,
    updated: r.updated_count,
    rejected: r.rejected_count,
    warnings: r.warning_count,
    region: r.region,
    notes: JSON.parse(r.notes_json) as string[],
  };
}

/** Every run (or the last `limit`), oldest first. */
export async function listBackups(vault: Vault, options: { limit?: number } = {}): Promise<BackupRun[]> {
  let q = vault.db.selectFrom('backups').selectAll().orderBy('id', 'desc');
  if (options.limit !== undefined) q = q.limit(options.limit);
  const rows = await q.execute();
  return rows.reverse().map(backupRunOf);
}

/** Runs newest first, a page at a time (the Backups page). */
export async function listBackupRuns(vault: Vault, options: { limit?: number; cursor?: string } = {}): Promise<Page<BackupRun>> {
  const limit = clampLimit(options.limit);
  let q = vault.db.selectFrom('backups').selectAll();
  if (options.cursor !== undefined) {
    const [before] = decodeCursor(options.cursor, 1);
    q = q.where('id', '<', before ?? 0);
  }
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(backupRunOf), nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null };
}
