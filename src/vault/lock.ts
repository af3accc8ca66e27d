/**
 * One writer per vault: imports take an exclusive lock file so two processes never import into
 * the same vault at once (SQLite would serialise them, but blob temp cleanup must not race).
 */
import fs from 'node:fs';
import path from 'node:path';

export class VaultBusyError extends Error {
  override readonly name = 'VaultBusyError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the vault ${dir} is busy: process ${pid} is importing into it; wait for it to finish`);
  }
}

export interface VaultLock {
  release(): void;
}

/** Whether a process with this id exists (EPERM: it does, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dir: string): VaultLock {
  const file = path.join(dir, 'import.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return {
        release: () => {
          fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new VaultBusyError(dir, pid);
      // Left behind by a process that was killed: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the import lock ${file}`);
}
