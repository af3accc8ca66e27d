/** SMS Backup+ mail: the descriptors (format.ts); the reader is unit.ts, the IMAP writer src/sources/imap. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart } from '../format.js';
import { isEmlFolder } from './eml-folder.js';

const smsBackupPlus = () => import('./unit.js');

export const mboxFormat = defineFormat({
  id: 'smsbackupplus-mbox',
  label: 'SMS Backup+ mailbox (mbox, e.g. a Google Takeout of the SMS label)',
  recognisedBy: 'text starting `From ` (docs/smsbackupplus.md); mail that is not from SMS Backup+ is skipped and counted',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'contacts',
  recognise: (s) => (s.container === 'plain' || s.container === 'gzip') && textStart(s.head).startsWith('From '),
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'smsbackupplus-mbox', units: await (await smsBackupPlus()).mboxUnits(file, options.limits), dispose: () => undefined }),
  worker: false,
});

export const emlFormat = defineFormat({
  id: 'smsbackupplus-eml',
  label: 'SMS Backup+ message (.eml)',
  recognisedBy: 'mail headers with `X-smssync-*`; a folder of `.eml` files is one import',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'contacts',
  recognise: (s) => {
    if (s.container !== 'plain' && s.container !== 'gzip') return false;
    const text = textStart(s.head);
    return !text.startsWith('From ') && /^X-smssync-[A-Za-z_]+:/im.test(text) && /^[\w-]+:/.test(text);
  },
  // A folder is read as SMS Backup+ mail saved as .eml files (one import for the folder).
  recogniseFolder: isEmlFolder,
  folderLabel: 'a folder of SMS Backup+ .eml files',
  open: async (file): Promise<OpenedBackup> => {
    const m = await smsBackupPlus();
    return { format: 'smsbackupplus-eml', units: isEmlFolder(file) ? await m.emlFolderUnits(file) : await m.emlUnits(file), dispose: () => undefined };
  },
  worker: false,
});

/** Not a file: an IMAP folder, read by src/sources/imap, and written there by `export --format smsbackupplus`. */
export const imapFormat = defineFormat({
  id: 'smsbackupplus-imap',
  label: 'SMS Backup+ IMAP folder (imap://user@host/SMS)',
  recognisedBy: 'an `imap://` URL instead of a file (docs/smsbackupplus.md)',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'contacts',
  source: 'imap',
  worker: false,
  writer: { id: 'smsbackupplus', label: 'SMS Backup+ (IMAP folder)', help: 'smsbackupplus (mail appended to an IMAP folder; needs --to)', target: 'imap' },
});
