/** The SHA-256 and size of a whole file, read in 1 MiB chunks (a unit's digest() for one-file formats). */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
