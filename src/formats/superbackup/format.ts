/** Super Backup & Restore (MobileIdea): the descriptor (format.ts); the reader is unit.ts, the writer writer.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat } from '../format.js';
import { isSuperBackupFolder, superBackupRoot } from './folder.js';

export const superBackupFormat = defineFormat({
  id: 'superbackup',
  label: 'Super Backup & Restore XML (sms_*.xml, calllogs_*.xml; also gzip, a ZIP or the SmsContactsBackup folder)',
  recognisedBy:
    'text starting `<` with an `<allsms` or `<alllogs` root (also gzip); a ZIP whose first `*.xml` entry has one; a folder with `sms/`, `logs/` or `contacts/` (or its `SmsContactsBackup/`) holding such files',
  carries: ['sms', 'calls', 'contacts'],
  cannot: 'MMS, threads, groups, `protocol`, `date_sent`, `status`, SIM; `time` is a display string (kept, never read as the date)',
  recognise: (s) => {
    if (s.container === 'zip') return s.zipXmlHead !== undefined && !s.zipNames.includes('messages.ndjson') && superBackupRoot(s.zipXmlHead) !== undefined;
    return (s.container === 'plain' || s.container === 'gzip') && superBackupRoot(s.head) !== undefined;
  },
  recogniseFolder: isSuperBackupFolder,
  folderLabel: "Super Backup & Restore's SmsContactsBackup folder",
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'superbackup', units: await (await import('./unit.js')).superBackupUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
  writer: { id: 'superbackup', label: 'Super Backup & Restore XML', help: 'superbackup (Super Backup & Restore sms_*.xml + calllogs_*.xml)', target: 'files' },
});
