/**
 * The history of import runs: one entry per backup file imported.
 */
import type { RunCounts } from './import/backup-run.js';
import type { Vault } from './vault.js';

export interface BackupRun extends RunCounts {
  id: number;
  file: string;
  path: string;
  format: string;
  content: string;
  status: string;
  startedAt: string;
  endedAt: string;
  size: number;
  sha256: string;
  backupDate: string | null;
  region: string;
  notes: string[];
}

export async function listBackups(vault: Vault, options: { limit?: number } = {}): Promise<BackupRun[]> {
  let q = vault.db.selectFrom('backups').selectAll().orderBy('id', 'desc');
  if (options.limit !== undefined) q = q.limit(options.limit);
  const rows = await q.execute();
  return rows.reverse().map((r) => ({
    id: r.id,
    file: r.file_name,
    path: r.source_path,
    format: r.format,
    content: r.content,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: new Date(r.ended_at).toISOString(),
    size: r.file_size,
    sha256: r.file_sha256,
    backupDate: r.backup_date > 0 ? new Date(r.backup_date).toISOString() : null,
    read: r.read_count,
    new: r.new_count,
    duplicate: r.duplicate_count,
    updated: r.updated_count,
    rejected: r.rejected_count,
    warnings: r.warning_count,
    region: r.region,
    notes: JSON.parse(r.notes_json) as string[],
  }));
}
