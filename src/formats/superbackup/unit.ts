/**
 * Super Backup & Restore backups as BackupUnits: one `<allsms>` or `<alllogs>` file (plain or
 * gzip), a ZIP of the app's folder, or the folder itself (`SmsContactsBackup/`: sms/, logs/,
 * contacts/*.vcf). Each file is a unit of its own, recognised by its content: the app's XML,
 * vCard contacts, and any SMS Backup & Restore XML kept beside them; other files are left out.
 */
import fs from 'node:fs';
import type { BackupUnit } from '../backup-unit.js';
import { openInput, readHead, type InputEntry } from '../container.js';
import type { InputLimits } from '../limits.js';
import { NotABackupError } from '../errors.js';
import { textStart } from '../format.js';
import { isSbrXml } from '../sbr/format.js';
import { streamUnit } from '../stream-unit.js';
import { SUPER_BACKUP_FIELDS } from './fields.js';
import { superBackupFiles, superBackupRoot } from './folder.js';
import { readSuperBackup } from './reader.js';

const HEAD_BYTES = 4096;

export async function superBackupUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  const folder = fs.statSync(file).isDirectory();
  const entries = folder ? (await Promise.all(superBackupFiles(file).map((f) => openInput(f, limits)))).flat() : await openInput(file, limits);
  const units: BackupUnit[] = [];
  for (const entry of entries) {
    const unit = await unitOf(entry);
    if (unit !== undefined) units.push(unit);
  }
  if (!units.some((u) => u.format === 'superbackup')) {
    throw new NotABackupError(file, 'it holds no Super Backup & Restore file (<allsms> or <alllogs>)', 'a Super Backup & Restore backup');
  }
  return units;
}

async function unitOf(entry: InputEntry): Promise<BackupUnit | undefined> {
  const head = await readHead(entry, HEAD_BYTES);
  const root = superBackupRoot(head);
  if (root !== undefined) return superBackupUnit(entry, root === 'allsms' ? 'messages' : 'calls');
  if (/^BEGIN:VCARD\r?\n/i.test(textStart(head))) return (await import('../vcard/unit.js')).vcardUnit(entry);
  if (isSbrXml(head)) return (await import('../sbr/unit.js')).sbrUnit(entry);
  return undefined;
}

export function superBackupUnit(entry: InputEntry, content: 'messages' | 'calls'): BackupUnit {
  const unit = streamUnit(entry, 'superbackup', content, readSuperBackup, SUPER_BACKUP_FIELDS);
  return entry.entryName === undefined ? unit : { ...unit, entryName: entry.entryName };
}
