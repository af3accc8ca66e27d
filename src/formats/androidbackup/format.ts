/** Android backups (`.ab`, from `adb backup` and Helium): the descriptor (format.ts); the reader is unit.ts. */
import fs from 'node:fs';
import type { OpenedBackup } from '../backup-unit.js';
import { NotABackupError } from '../errors.js';
import { defineFormat } from '../format.js';
import { heliumFolder, heliumWithoutMessages } from './helium.js';
import { looksLikeAndroidBackup } from './header.js';

export const androidBackupFormat = defineFormat({
  id: 'android-backup',
  label: "Android backup (.ab from adb backup or Helium, plain or encrypted) with the telephony provider's messages",
  recognisedBy: 'first line `ANDROID BACKUP` (encrypted: its password with `--passphrase-file`); a Helium `carbon/` folder, whose telephony provider `.ab` is imported',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'MMS media (Android backs up the text of an MMS only), contact names, a backup date; calls only when made with `adb backup -keyvalue`',
  recognise: (s) => s.container === 'plain' && looksLikeAndroidBackup(s.head),
  // Helium's `carbon/` folder: its telephony provider's .ab holds the messages, if it is there.
  recogniseFolder: (dir) => heliumFolder(dir) !== undefined,
  folderLabel: "a Helium backup folder (carbon/, one .ab per app: the telephony provider's is imported)",
  open: async (file, options): Promise<OpenedBackup> => {
    const { openAndroidBackup } = await import('./unit.js');
    if (!(await fs.promises.stat(file)).isDirectory()) return openAndroidBackup(file, options);
    const helium = heliumFolder(file);
    if (helium === undefined) throw new NotABackupError(file, 'it holds no .ab files', 'a Helium backup folder');
    if (helium.telephony === undefined) throw heliumWithoutMessages(file, helium);
    return openAndroidBackup(helium.telephony, options);
  },
  // A worker has no password to decrypt it again; and an .ab is mostly bytes that are skipped.
  worker: false,
});
