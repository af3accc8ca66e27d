/**
 * Super Backup & Restore's folder, `SmsContactsBackup/` with `sms/`, `logs/` and `contacts/`:
 * telling it from other folders and listing its files, apart from the reader so that detection
 * loads no reader.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDirectory, readFileStart } from '../file-head.js';

const SUBFOLDERS = ['sms', 'logs', 'contacts'];
/** Enough of a file to see its root element past the prolog. */
const HEAD_BYTES = 4096;

/** The root element of a Super Backup & Restore XML file, from its first bytes. */
export function superBackupRoot(head: Buffer): 'allsms' | 'alllogs' | undefined {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trimStart().startsWith('<')) return undefined;
  return /<(allsms|alllogs)[\s>/]/.exec(text)?.[1] as 'allsms' | 'alllogs' | undefined;
}

/** The backup folder itself: `dir`, or its `SmsContactsBackup/` when given the folder above. */
function backupRoot(dir: string): string | undefined {
  for (const root of [dir, path.join(dir, 'SmsContactsBackup')]) {
    if (SUBFOLDERS.some((sub) => isDirectory(path.join(root, sub)))) return root;
  }
  return undefined;
}

/** Every file of the backup (sms/, logs/, contacts/), in a stable order; empty when `dir` is not one. */
export function superBackupFiles(dir: string): string[] {
  const root = backupRoot(dir);
  if (root === undefined) return [];
  return SUBFOLDERS.flatMap((sub) => {
    const folder = path.join(root, sub);
    if (!isDirectory(folder)) return [];
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort()
      .map((n) => path.join(folder, n));
  });
}

/** True when `dir` is a Super Backup folder: one of its sms/ or logs/ files has the app's root element. */
export function isSuperBackupFolder(dir: string): boolean {
  if (!isDirectory(dir)) return false;
  return superBackupFiles(dir).some((f) => superBackupRoot(readFileStart(f, HEAD_BYTES)) !== undefined);
}

