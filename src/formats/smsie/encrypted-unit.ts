import type { OpenedBackup, OpenOptions } from '../backup-unit.js';
import type { FormatId } from '../detect.js';
import { NotABackupError } from '../errors.js';

export function openEncryptedSmsIe(
  file: string,
  _options: OpenOptions,
  _inner: (file: string, format: FormatId, options: OpenOptions) => Promise<OpenedBackup>,
): Promise<OpenedBackup> {
  return Promise.reject(new NotABackupError(file, 'this reader is being built', 'a supported backup'));
}
