import type { BackupUnit } from '../backup-unit.js';
import { NotABackupError } from '../errors.js';

const todo = (file: string): Promise<BackupUnit[]> => Promise.reject(new NotABackupError(file, 'this reader is being built', 'a supported backup'));
export const smsIeZipUnits = todo;
export const smsIeCallsUnits = todo;
export const smsIeContactsUnits = todo;
