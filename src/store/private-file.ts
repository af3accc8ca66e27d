/**
 * SQLite files of a vault are owner-only (0600) whatever the process's umask: they hold private
 * messages, account hashes and sealed secrets. SQLite creates a missing database file with mode
 * 0644 minus the umask and gives its -wal/-shm/-journal files the database file's own mode, so
 * creating the file first, 0600, makes all of them private.
 */
import fs from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `file` empty and 0600 unless it exists (an existing file keeps its mode: see vault/permissions.ts). */
export function createPrivateFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  try {
    // open's mode is masked by the umask; a umask such as 0277 must not make it unreadable to us, nor 0000 wider.
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    fs.closeSync(fd);
  }
}
