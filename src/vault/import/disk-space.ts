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

/** The default reserve: 256 MiB, or 2% of a disk smaller than 12.5 GiB (a small disk is not wasted). */
export const DEFAULT_MIN_FREE_BYTES = 256 * 1024 * 1024;
const DEFAULT_MIN_FREE_SHARE = 0.02;

/** Bytes free for this user on the disk holding `dir`; undefined when the system cannot say. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** The reserve to keep on the disk holding `dir`: `configured` (import.min-free-space), or the default. */
export function requiredFreeBytes(dir: string, configured: number | undefined): number {
  if (configured !== undefined) return configured;
  try {
    const s = fs.statfsSync(dir);
    return Math.min(DEFAULT_MIN_FREE_BYTES, Math.floor(s.blocks * s.bsize * DEFAULT_MIN_FREE_SHARE));
  } catch {
    return DEFAULT_MIN_FREE_BYTES;
  }
}

/** Throws a DiskSpaceError when the vault's disk has less than `minFree` bytes free. */
export function checkFreeSpace(dir: string, minFree: number, what: string): void {
  const free = freeBytes(dir);
  if (free === undefined || free >= minFree) return;
  throw new DiskSpaceError(
    `${what}: stopped, keeping nothing: the vault's disk is nearly full (${formatSize(free)} free, less than the ${formatSize(minFree)} kept free; ` +
      'setting import.min-free-space). Free some space, then import it again',
  );
}
