/**
 * Opens any backup file Textvault reads as BackupUnits: detects the format from the content
 * (detect.ts) and hands the file to that format's descriptor (formats.ts). The vault's import
 * pipeline only ever sees BackupUnits, so a new format needs a descriptor and nothing in the vault.
 */
import type { OpenedBackup, OpenOptions } from './backup-unit.js';
import { describeFormat, detectFormat } from './detect.js';
import { NotABackupError } from './errors.js';
import { statInput } from './container.js';
import { findFormat, READABLE } from './formats.js';

export async function openBackup(file: string, options: OpenOptions = {}): Promise<OpenedBackup> {
  const stat = await statInput(file);
  if (stat.isDirectory()) {
    // A folder is read only when a format knows it as a whole backup (one import for the folder).
    const format = READABLE.find((f) => f.recogniseFolder?.(file) === true);
    if (format === undefined) {
      throw new NotABackupError(file, `it is a folder, and not one Textvault imports as a whole (${folderFormats()}); give the backup files inside it`, 'a backup file');
    }
    return openBackupAs(file, format.id, options);
  }
  return openBackupAs(file, await detectFormat(file), options);
}

export async function openBackupAs(file: string, format: string, options: OpenOptions): Promise<OpenedBackup> {
  const open = findFormat(format)?.open;
  if (open === undefined) {
    throw new NotABackupError(file, `it looks like ${describeFormat(format)}, which this version cannot import yet`, 'a backup this version can import');
  }
  return open(file, options, openBackupAs);
}

function folderFormats(): string {
  return READABLE.flatMap((f) => (f.folderLabel === undefined ? [] : [f.folderLabel])).join('; ');
}
