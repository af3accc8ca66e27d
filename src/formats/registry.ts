/**
 * Opens any backup file Textvault reads as BackupUnits: detects the format from the content
 * (detect.ts) and hands the file to that format's opener. The vault's import pipeline only ever
 * sees BackupUnits, so a new format needs an opener here and nothing in the vault.
 */
import type { OpenedBackup, OpenOptions } from './backup-unit.js';
import { describeFormat, detectFormat, type FormatId } from './detect.js';
import { NotABackupError } from './errors.js';
import { sbrUnits } from './sbr/unit.js';
import { fossifyUnits } from './fossify/unit.js';
import { sniff, statInput } from './container.js';
import { smsIeCallsUnits, smsIeContactsUnits, smsIeNdjsonUnits, smsIeZipUnits } from './smsie/unit.js';
import { openEncryptedSmsIe } from './smsie/encrypted-unit.js';
import { vcardUnits } from './vcard/unit.js';
import { emlFolderUnits, emlUnits, isEmlFolder, mboxUnits } from './smsbackupplus/unit.js';
import { ndjsonUnits } from './ndjson/unit.js';

export type Opener = (file: string, options: OpenOptions) => Promise<OpenedBackup>;

const plain =
  (format: FormatId, units: (file: string) => Promise<OpenedBackup['units']>): Opener =>
  async (file) => ({ format, units: await units(file), dispose: () => undefined });

/** Formats with a reader. Formats detected but missing here get a clear "not supported" error. */
export const OPENERS: Partial<Record<FormatId, Opener>> = {
  sbr: plain('sbr', sbrUnits),
  'sms-ie': plain('sms-ie', async (file) => ((await sniff(file)) === 'zip' ? smsIeZipUnits(file) : smsIeNdjsonUnits(file))),
  'sms-ie-calls': plain('sms-ie-calls', smsIeCallsUnits),
  'sms-ie-contacts': plain('sms-ie-contacts', smsIeContactsUnits),
  'sms-ie-encrypted': (file, options) => openEncryptedSmsIe(file, options, openBackupAs),
  fossify: plain('fossify', fossifyUnits),
  vcard: plain('vcard', vcardUnits),
  'smsbackupplus-mbox': plain('smsbackupplus-mbox', mboxUnits),
  'smsbackupplus-eml': plain('smsbackupplus-eml', emlUnits),
  'textvault-ndjson': plain('textvault-ndjson', ndjsonUnits),
};

export async function openBackup(file: string, options: OpenOptions = {}): Promise<OpenedBackup> {
  const stat = await statInput(file);
  // A folder is read only as SMS Backup+ mail saved as .eml files (one import for the folder).
  if (isEmlFolder(file)) return { format: 'smsbackupplus-eml', units: await emlFolderUnits(file), dispose: () => undefined };
  if (stat.isDirectory()) {
    throw new NotABackupError(file, 'it is a folder without .eml files; give the backup files inside it', 'a backup file');
  }
  return openBackupAs(file, await detectFormat(file), options);
}

export async function openBackupAs(file: string, format: FormatId, options: OpenOptions): Promise<OpenedBackup> {
  const opener = OPENERS[format];
  if (opener === undefined) {
    throw new NotABackupError(file, `it looks like ${describeFormat(format)}, which this version cannot import yet`, 'a backup this version can import');
  }
  return opener(file, options);
}
