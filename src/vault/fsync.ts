import fs from 'node:fs';

/** Makes a file's or a folder's contents durable (a folder: the names created or renamed in it). */
export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
