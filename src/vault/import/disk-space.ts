/**
 * The import's free-space guard. The input limits bound what one file may expand to, but a
 * vault's disk can still be near full: an import stops (keeping nothing) once the free space on
 * the vault's disk drops below `import.min-free-space`, checked as it goes and again just before
 * it commits, so an upload never fills the disk the vault and the system live on.
 */
import fs from 'node:fs';
import { formatSize } from '../../formats/limits.js';

export class DiskSpaceError extends Error {
  override readonly name = 'DiskSpaceError';
}

/** Bytes free for this user on the disk holding `dir`; undefined when the system cannot say. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** Throws a DiskSpaceError when the vault's disk has less than `minFree` bytes free. */
export function checkFreeSpace(dir: string, minFree: number, what: string): void {
  const free = freeBytes(dir);
  if (free === undefined || free >= minFree) return;
  throw new DiskSpaceError(
    `${what}: stopped, keeping nothing: the vault's disk has ${formatSize(free)} free, less than the ${formatSize(minFree)} kept free ` +
      '(setting import.min-free-space). Free some space, then import it again',
  );
}
