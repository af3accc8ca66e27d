/**
 * Small synchronous looks at the file system that detection makes before anything is opened as
 * a backup: whether a path is a folder, and the first bytes of a file.
 */
import fs from 'node:fs';

export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Up to `limit` bytes from the start of `file`; empty when it cannot be read. */
export function readFileStart(file: string, limit: number): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(limit);
    return buf.subarray(0, fs.readSync(fd, buf, 0, limit, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
