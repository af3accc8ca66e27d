/**
 * Writes an export file under a temporary name and renames it only when complete and on disk,
 * so a partial file never sits under a final name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { processAlive } from '../lock.js';

/** A temp name of this module and of sbr-files.ts, output.ts and html-export.ts: `<final>.partial-<pid>`. */
const PARTIAL = /\.partial-(\d+)$/;

/**
 * Removes from an export folder the temp files and folders (`<name>.partial-<pid>`) of exports
 * whose process is gone: an export killed before its rename leaves one, and nothing else ever
 * would. A live process's are kept, since another export may be writing into the same folder.
 * Returns how many it removed.
 */
export function sweepDeadPartials(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(PARTIAL.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

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
