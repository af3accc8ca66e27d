/**
 * What an admin may know of an account's archive: how much room it takes and when a backup last
 * came in. Nothing of its content (no counts of messages, no names).
 */
import fs from 'node:fs';
import path from 'node:path';
import { listBackups } from '../backups.js';
import type { Vault } from '../vault.js';
import { ARCHIVES_DIR } from './archives.js';

export interface ArchiveUsage {
  /** Bytes of the archive's folder on this disk (media in S3 are not counted). */
  sizeBytes: number;
  lastBackupAt: number | null;
}

async function folderBytes(dir: string, skip: string | null): Promise<number> {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (full === skip) continue;
    if (e.isDirectory()) total += await folderBytes(full, skip);
    else if (e.isFile()) total += (await fs.promises.stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

export async function archiveUsage(vault: Vault): Promise<ArchiveUsage> {
  // The home archive's folder holds the other archives: they are theirs, not its.
  const size = await folderBytes(vault.dir, path.join(vault.dir, ARCHIVES_DIR));
  const [last] = await listBackups(vault, { limit: 1 });
  return { sizeBytes: size, lastBackupAt: last?.startedAt ?? null };
}
