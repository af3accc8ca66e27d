/**
 * Names of spooled uploads (`<vault>/uploads/`). Each name starts with the id of the process that
 * writes it, so the queue's next start can tell an upload a crash orphaned (its writer is gone)
 * from one still arriving at another live server of the vault, whatever their age.
 */
import { randomBytes } from 'node:crypto';

const NAMED = /^(\d+)-\d+-[0-9a-f]+\.upload$/;

/** A spool file's name in text (a job's error), this form or the older `<ms>-<hex>.upload`. */
export const SPOOL_NAME_SOURCE = String.raw`(?:\d+-)?\d+-[0-9a-f]{16}\.upload`;

/** A new spool file's name for an upload this process writes. */
export function uploadFileName(pid = process.pid): string {
  return `${pid}-${Date.now()}-${randomBytes(8).toString('hex')}.upload`;
}

/** The id of the process that wrote a spool file, or undefined for a name of another form (older servers). */
export function uploadWriterPid(name: string): number | undefined {
  const m = NAMED.exec(name);
  if (m === null) return undefined;
  const pid = Number(m[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
