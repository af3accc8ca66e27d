/** Android backups (`.ab`, from `adb backup` and Helium): the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat } from '../format.js';
import { looksLikeAndroidBackup } from './header.js';

export const androidBackupFormat = defineFormat({
  id: 'android-backup',
  label: "Android backup (.ab from adb backup or Helium, plain or encrypted) with the telephony provider's messages",
  recognisedBy: 'first line `ANDROID BACKUP`; encrypted ones need their password (`--passphrase-file`)',
  carries: ['sms', 'mms'],
  cannot: 'MMS media (Android backs up the text of an MMS only), contact names, a backup date',
  recognise: (s) => s.container === 'plain' && looksLikeAndroidBackup(s.head),
  open: async (file, options): Promise<OpenedBackup> => (await import('./unit.js')).openAndroidBackup(file, options),
  // A worker has no password to decrypt it again; and an .ab is mostly bytes that are skipped.
  worker: false,
});
