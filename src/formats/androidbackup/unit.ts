/**
 * An Android backup (.ab, from `adb backup` or Helium) as one BackupUnit holding the telephony
 * provider's SMS and text MMS. An encrypted one asks for its password when it is opened and
 * checks it then (the master-key checksum), so a wrong password fails before anything is read.
 */
import fs from 'node:fs';
import type { OpenedBackup, OpenOptions } from '../backup-unit.js';
import { PassphraseRequiredError } from '../errors.js';
import { unlockMasterKey, type MasterKey } from './crypto.js';
import { MAX_HEADER_BYTES, parseAbHeader } from './header.js';
import { readAndroidBackup, sampleAndroidBackup } from './reader.js';
import { ANDROID_BACKUP_FIELDS } from './telephony.js';
import { countNoun } from '../plural.js';
import { hashFile } from '../file-digest.js';

async function readStart(file: string, limit: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(limit);
    const { bytesRead } = await fh.read(buf, 0, limit, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}


export async function openAndroidBackup(file: string, options: OpenOptions): Promise<OpenedBackup> {
  const header = parseAbHeader(file, await readStart(file, MAX_HEADER_BYTES));
  let masterKey: MasterKey | undefined;
  if (header.encryption !== undefined) {
    if (options.passphrase === undefined) {
      throw new PassphraseRequiredError(`${file}: is an encrypted Android backup; give its password with --passphrase-file FILE, or run in a terminal to be asked`);
    }
    masterKey = await unlockMasterKey(file, header.encryption, header.version, await options.passphrase());
  }
  const size = (await fs.promises.stat(file)).size;
  return {
    format: 'android-backup',
    units: [
      {
        format: 'android-backup',
        content: 'messages',
        name: file,
        file,
        sizeOnDisk: size,
        digestSize: size,
        fields: ANDROID_BACKUP_FIELDS,
        // Encrypted: decrypted with a key only this thread holds, so a worker (which reopens
        // the file alone, as uploads are read) could not read it.
        ...(masterKey === undefined ? {} : { decrypted: true }),
        digest: () => hashFile(file),
        sampleText: (limit) => sampleAndroidBackup(file, header, masterKey, limit),
        read: async (ctx) => {
          const stats = await readAndroidBackup({ file, header, ...(masterKey ? { masterKey } : {}), handler: ctx.handler,
            salvage: ctx.salvage,
            onBytes: (n) => {
              ctx.onBytes(n);
            },
            onExpanded: (n) => ctx.onExpanded?.(n),
          });
          return {
            digest: stats.digest,
            ...(stats.skipped > 0 ? { skipped: `skipped ${countNoun(stats.skipped, 'damaged message')}, the first: ${stats.firstSkipped ?? ''}` } : {}),
          };
        },
      },
    ],
    dispose: () => undefined,
  };
}
