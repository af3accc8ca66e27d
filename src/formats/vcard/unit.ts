import type { BackupUnit } from '../backup-unit.js';
import { NotABackupError } from '../errors.js';

export function vcardUnits(file: string): Promise<BackupUnit[]> {
  return Promise.reject(new NotABackupError(file, 'this reader is being built', 'a supported backup'));
}
