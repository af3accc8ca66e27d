/**
 * Opens any backup file Textvault reads as BackupUnits: detects the format from the content
 * (detect.ts) and hands the file to that format's opener. The vault's import pipeline only ever
 * sees BackupUnits, so a new format needs an opener here and nothing in the vault.
 */
import type { OpenedBackup, OpenOptions } from './backup-unit.js';
import { describeFormat, detectFormat, type FormatId } from './detect.js';
import { NotABackupError } from './errors.js';
import { sniff, statInput } from './container.js';
import { isEmlFolder } from './smsbackupplus/eml-folder.js';

export type Opener = (file: string, options: OpenOptions) => Promise<OpenedBackup>;

const plain =
  (format: FormatId, units: (file: string) => Promise<OpenedBackup['units']>): Opener =>
  async (file) => ({ format, units: await units(file), dispose: () => undefined });

/*
 * Each format's reader is loaded when a file of that format is opened: all of them together
 * (a mail parser, libsodium, zip, JSON streaming) took ~0.3 s to load, in every import's
 * reader thread and every CLI command, for the one format a file has.
 */
const sbr = () => import('./sbr/unit.js');
const smsIe = () => import('./smsie/unit.js');
const smsBackupPlus = () => import('./smsbackupplus/unit.js');

/** Formats with a reader. Formats detected but missing here get a clear "not supported" error. */
export const OPENERS: Partial<Record<FormatId, Opener>> = {
  sbr: plain('sbr', async (file) => (await sbr()).sbrUnits(file)),
  'sms-ie': plain('sms-ie', async (file) => {
    const m = await smsIe();
    return (await sniff(file)) === 'zip' ? m.smsIeZipUnits(file) : m.smsIeNdjsonUnits(file);
  }),
  'sms-ie-calls': plain('sms-ie-calls', async (file) => (await smsIe()).smsIeCallsUnits(file)),
  'sms-ie-contacts': plain('sms-ie-contacts', async (file) => (await smsIe()).smsIeContactsUnits(file)),
  'sms-ie-encrypted': async (file, options) => (await import('./smsie/encrypted-unit.js')).openEncryptedSmsIe(file, options, openBackupAs),
  fossify: plain('fossify', async (file) => (await import('./fossify/unit.js')).fossifyUnits(file)),
  vcard: plain('vcard', async (file) => (await import('./vcard/unit.js')).vcardUnits(file)),
  'smsbackupplus-mbox': plain('smsbackupplus-mbox', async (file) => (await smsBackupPlus()).mboxUnits(file)),
  'smsbackupplus-eml': plain('smsbackupplus-eml', async (file) => (await smsBackupPlus()).emlUnits(file)),
  'textvault-ndjson': plain('textvault-ndjson', async (file) => (await import('./ndjson/unit.js')).ndjsonUnits(file)),
};

export async function openBackup(file: string, options: OpenOptions = {}): Promise<OpenedBackup> {
  const stat = await statInput(file);
  // A folder is read only as SMS Backup+ mail saved as .eml files (one import for the folder).
  if (isEmlFolder(file)) return { format: 'smsbackupplus-eml', units: await (await smsBackupPlus()).emlFolderUnits(file), dispose: () => undefined };
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
