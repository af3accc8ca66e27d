/**
 * A stored blob copied out to a file of its own, read through the MediaStore like any reader:
 * for an HTML or PDF export's `media/` folder (Chromium renders the PDF's pictures from there
 * with file:// URLs, so the export materialises them; it never points at the store's own files,
 * which an S3 store does not have).
 */
import fs from 'node:fs';
import type { MediaStore } from './media-store.js';

/**
 * Writes blob `sha256` to `target` under a temporary name, renamed into place once complete, so a
 * failed read never leaves a partial file where a later look finds it. Not fsynced: an export's
 * files are made durable, if at all, by the export (as the copies were before). Rejects as the
 * store's read does (`code` 'ENOENT' for a missing blob).
 */
export async function writeBlobFile(store: MediaStore, sha256: string, target: string): Promise<number> {
  const temp = `${target}.${String(process.pid)}.partial`;
  const fd = fs.openSync(temp, 'w');
  let bytes = 0;
  try {
    for await (const chunk of store.chunks(sha256)) {
      let at = 0;
      while (at < chunk.length) at += fs.writeSync(fd, chunk, at);
      bytes += chunk.length;
    }
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, target);
  return bytes;
}
