/**
 * What every command shares: which vault, how to print, how failures become exit codes.
 */
import type { JobQueue } from '../vault/jobs/index.js';
import type { Vault } from '../vault/vault.js';
import { resolveVaultDir } from './vault-location.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failure the user can act on; printed without a stack trace, exit code 1. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  /** True when the command already printed why; only the exit code is left to set. */
  readonly reported: boolean;
  constructor(message: string, options: { reported?: boolean } = {}) {
    super(message);
    this.reported = options.reported ?? false;
  }
}

export interface GlobalOptions {
  vault?: string;
  /** Where a new vault keeps its media: an s3:// URL (default: $TEXTVAULT_MEDIA, else the vault folder). */
  media?: string;
  /** Hidden: the default below $TEXTVAULT_DIR; `npm start` in a checkout passes its ./vault. */
  defaultVault?: string;
  /** Whose archive (households): default the only account's, else the home archive (the first admin's). */
  user?: string;
}

export function vaultDir(opts: GlobalOptions): string {
  return resolveVaultDir(opts);
}

/** The folder of the archive a command works on: `--user`'s, else the only account's, else the home one. */
export async function archiveDirOf(opts: GlobalOptions): Promise<string> {
  const [{ chooseArchiveDir }, { UserError }] = await Promise.all([import('../vault/household/choose-archive.js'), import('../vault/auth/users.js')]);
  try {
    return await chooseArchiveDir(vaultDir(opts), opts.user);
  } catch (e) {
    throw e instanceof UserError ? new CommandFailed(e.message) : e;
  }
}

/** The media location asked for, if any: --media, else $TEXTVAULT_MEDIA. */
export function mediaOption(opts: GlobalOptions): { media?: string } {
  const media = opts.media ?? process.env.TEXTVAULT_MEDIA;
  return media === undefined || media === '' ? {} : { media };
}

/** Said once per process, not at each of a command's vault openings. */
let warnedAboutPermissions = false;

/**
 * Opens the vault for `fn` and closes it after. The vault's modules (SQLite, Kysely, phone
 * numbers) are loaded here, not when the command line starts: `--help` and usage errors need
 * none of them.
 */
export async function withVault<T>(opts: GlobalOptions, create: boolean, fn: (vault: Vault) => Promise<T>, options: { home?: boolean } = {}): Promise<T> {
  const [{ Vault }, { permissionWarning }] = await Promise.all([import('../vault/vault.js'), import('../vault/permissions.js')]);
  const home = vaultDir(opts);
  const dir = options.home === true ? home : await archiveDirOf(opts);
  // Media in S3 (--media) are for a new home vault; another account's archive keeps its media in its folder.
  const vault = await Vault.open(dir, { create, ...(dir === home ? mediaOption(opts) : {}) });
  if (!warnedAboutPermissions) {
    warnedAboutPermissions = true;
    const warning = permissionWarning(vault.dir);
    if (warning !== null) process.stderr.write(`textvault: ${warning}\n`);
  }
  try {
    return await fn(vault);
  } finally {
    await vault.close();
  }
}

/** The vault and its job queue (which holds jobs, sources and alerts), open for `fn`. */
export async function withQueue<T>(opts: GlobalOptions, create: boolean, fn: (queue: JobQueue, vault: Vault) => Promise<T>): Promise<T> {
  const { JobQueue } = await import('../vault/jobs/index.js');
  return withVault(opts, create, async (vault) => {
    const queue = await JobQueue.open(vault);
    try {
      return await fn(queue, vault);
    } finally {
      await queue.close();
    }
  });
}

/**
 * Resolves at the first SIGINT or SIGTERM. Listening starts at the call: a long-running command
 * calls this before it says it runs, so a signal sent the moment it says so stops it cleanly
 * (rather than killing it, which is the default).
 */
export function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i] ?? 'TB'}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
