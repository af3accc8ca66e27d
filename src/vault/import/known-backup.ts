/**
 * Finds an earlier complete import of exactly the same bytes, so importing the same file again
 * costs one hash pass instead of a full read (`--force` reads it anyway).
 */
import type { BackupUnit } from '../../formats/backup-unit.js';
import type { BackupContent } from '../../formats/records.js';
import type { Vault } from '../vault.js';

export interface KnownBackup {
  id: number;
  sha256: string;
  content: BackupContent;
  read: number;
  rejected: number;
  startedAt: number;
}

export async function findIdenticalBackup(vault: Vault, entry: BackupUnit): Promise<KnownBackup | undefined> {
  // Only files of a size already seen are hashed: a new backup never pays for this check.
  const sameSize = await vault.db
    .selectFrom('backups')
    .select(['id', 'file_sha256', 'content', 'read_count', 'rejected_count', 'started_at'])
    .where('file_size', '=', entry.digestSize)
    .where('status', '=', 'complete')
    .orderBy('id')
    .execute();
  if (sameSize.length === 0) return undefined;
  const { sha256 } = await entry.digest();
  const match = sameSize.find((b) => b.file_sha256 === sha256);
  if (match === undefined) return undefined;
  return { id: match.id, sha256, content: match.content === 'calls' || match.content === 'contacts' ? match.content : 'messages', read: match.read_count, rejected: match.rejected_count, startedAt: match.started_at };
}
