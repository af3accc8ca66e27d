/**
 * Import runs for the backups page, newest first, paged.
 */
import type { Vault } from '../vault.js';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './cursor.js';

export interface BackupView {
  id: number;
  file: string;
  format: string;
  content: string;
  status: string;
  startedAt: number;
  endedAt: number;
  read: number;
  new: number;
  duplicate: number;
  updated: number;
  rejected: number;
  warnings: number;
  notes: string[];
}

export async function listBackupRuns(vault: Vault, options: { limit?: number; cursor?: string } = {}): Promise<Page<BackupView>> {
  const limit = clampLimit(options.limit);
  let q = vault.db.selectFrom('backups').selectAll();
  if (options.cursor !== undefined) {
    const [before] = decodeCursor(options.cursor, 1);
    q = q.where('id', '<', before ?? 0);
  }
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      file: r.file_name,
      format: r.format,
      content: r.content,
      status: r.status,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      read: r.read_count,
      new: r.new_count,
      duplicate: r.duplicate_count,
      updated: r.updated_count,
      rejected: r.rejected_count,
      warnings: r.warning_count,
      notes: JSON.parse(r.notes_json) as string[],
    })),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null,
  };
}
