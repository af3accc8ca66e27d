/**
 * An encrypted SMS Import/Export file (.ssef): asks for the passphrase, decrypts it (every chunk
 * authenticated) into a private temporary file, and reads that as whatever it holds (the
 * messages ZIP, the calls or contacts JSON). The temporary file is removed by dispose(), and on
 * any failure before that.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenedBackup, OpenOptions } from '../backup-unit.js';
import { detectFormat, type FormatId } from '../detect.js';
import { DecryptionError, decryptSsef } from './ssef.js';
import { PassphraseRequiredError } from '../errors.js';

export async function openEncryptedSmsIe(
  file: string,
  options: OpenOptions,
  inner: (file: string, format: FormatId, options: OpenOptions) => Promise<OpenedBackup>,
): Promise<OpenedBackup> {
  if (options.passphrase === undefined) {
    throw new PassphraseRequiredError(`${file}: is encrypted (SMS Import/Export .ssef); give its passphrase with --passphrase-file FILE, or run in a terminal to be asked`);
  }
  const passphrase = await options.passphrase();
  const dir = options.tempDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-'));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const plain = path.join(dir, `decrypted-${randomBytes(8).toString('hex')}`);
  const dispose = (): void => {
    fs.rmSync(plain, { force: true });
  };
  try {
    await decryptSsef(file, plain, passphrase);
    const format = await detectFormat(plain).catch((e: unknown) => {
      throw new DecryptionError(`${file}: decrypted, but the content is no backup Textvault reads (${e instanceof Error ? e.message.replace(plain, 'the decrypted file') : String(e)})`);
    });
    if (format === 'sms-ie-encrypted') throw new DecryptionError(`${file}: decrypts to another encrypted file; decrypt it once first`);
    const opened = await inner(plain, format, options);
    return {
      format: opened.format,
      // Messages and the backups list name the file the user gave, not the temporary copy.
      units: opened.units.map((u) => ({ ...u, name: u.name.replace(plain, file), file, decrypted: true })),
      dispose: () => {
        opened.dispose();
        dispose();
      },
    };
  } catch (e) {
    dispose();
    throw e;
  }
}
