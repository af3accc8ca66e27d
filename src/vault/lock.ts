/**
 * One writer per vault: imports take an exclusive lock file so two processes never import into
 * the same vault at once (SQLite would serialise them, but blob temp cleanup must not race).
 * `textvault gc` takes a lock of its own (one gc at a time) and the import lock only while it
 * decides which media nothing references (vault/gc.ts). `textvault snapshot` takes the gc lock
 * too: it copies packs and media files that gc would otherwise remove or rewrite under it.
 */
import fs from 'node:fs';
import path from 'node:path';

export type LockKind = 'import' | 'gc';

const LOCK_FILES: Record<LockKind, string> = { import: 'import.lock', gc: 'gc.lock' };
const DOING: Record<LockKind, string> = { import: 'is importing into it', gc: 'is collecting its unused media (textvault gc) or taking a snapshot of the vault (textvault snapshot)' };

export class VaultBusyError extends Error {
  override readonly name = 'VaultBusyError';
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly kind: LockKind = 'import',
  ) {
    super(`the vault ${dir} is busy: process ${pid} ${DOING[kind]}; wait for it to finish`);
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

export function acquireLock(dir: string, kind: LockKind = 'import'): VaultLock {
  const file = path.join(dir, LOCK_FILES[kind]);
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
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new VaultBusyError(dir, pid, kind);
      // Left behind by a process that was killed: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the import lock ${file}`);
}

/** Takes the lock, waiting while another live process holds it (up to `timeoutMs`, then VaultBusyError). */
export async function acquireLockWaiting(dir: string, kind: LockKind, options: WaitOptions = {}): Promise<VaultLock> {
  const until = Date.now() + (options.timeoutMs ?? 10 * 60 * 1000);
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return acquireLock(dir, kind);
    } catch (e) {
      if (!(e instanceof VaultBusyError) || Date.now() >= until) throw e;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * The vault's exclusive locks, as the vault code takes them: one seam for the storage backends
 * (issue 24). The embedded vault keeps them as pid files in its folder (FileLocks); several
 * servers sharing a PostgreSQL archive will hold them as leases in the database instead, so the
 * vault code never names a lock file.
 */
export interface VaultLocks {
  /** Takes the lock now, or throws VaultBusyError naming the live process that holds it. */
  acquire(kind: LockKind): VaultLock;
  /** Takes the lock, waiting while another live process holds it (then VaultBusyError). */
  acquireWaiting(kind: LockKind, options?: WaitOptions): Promise<VaultLock>;
}

/** Locks as `<vault>/import.lock` and `<vault>/gc.lock`, each holding its process id. */
export class FileLocks implements VaultLocks {
  constructor(private readonly dir: string) {}

  acquire(kind: LockKind): VaultLock {
    return acquireLock(this.dir, kind);
  }

  acquireWaiting(kind: LockKind, options: WaitOptions = {}): Promise<VaultLock> {
    return acquireLockWaiting(this.dir, kind, options);
  }
}
