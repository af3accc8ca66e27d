/**
 * Writes an export file under a temporary name and renames it only when complete and on disk,
 * so a partial file never sits under a final name.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

export async function writeOutput(final: string, content: Readable | AsyncIterable<Buffer>): Promise<{ path: string; bytes: number }> {
  const temp = `${final}.partial-${process.pid}`;
  let bytes = 0;
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of content) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  };
  try {
    await pipeline(counted(), fs.createWriteStream(temp, { highWaterMark: 1 << 20, mode: 0o600 }));
    const fd = fs.openSync(temp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, final);
    return { path: final, bytes };
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}
