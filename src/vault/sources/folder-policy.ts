/**
 * Which folders a folder source may watch. A watched folder is one the server reads every file
 * of, and (after import) moves or deletes files in, so:
 *
 * - never the vault's folder, a folder inside it, or one of its parents (moving its live
 *   databases away destroys the vault), whoever adds the source;
 * - from the web app, only inside a folder the server's admin allowed with
 *   `textvault config set sources.allowed-folders DIR[:DIR...]`, which only the command line can
 *   change (no API sets vault settings).
 *
 * Both are judged on real paths (symlinks resolved), when the source is added and again at each
 * run, so a symlink swapped in later does not lead out of the allowed folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SourceConfigError } from './source-options.js';

export const ALLOWED_FOLDERS_SETTING = 'sources.allowed-folders';

/** The allow-list as stored: absolute paths joined with the system's path delimiter (":" like PATH). */
export function parseAllowedFolders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(path.delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * The real path of `p` (symlinks resolved). For a path that does not exist yet: the real path of
 * its nearest existing parent, with the rest added, which is where mkdir would put it.
 */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return abs;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

/** `inner` is `outer` or inside it (both real, absolute). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Refuses the vault's folder, anything inside it, and its parents. */
export function assertNotVaultFolder(folder: string, vaultDir: string): void {
  const real = realPathOf(folder);
  const vault = realPathOf(vaultDir);
  if (isWithin(real, vault) || isWithin(vault, real)) {
    throw new SourceConfigError(
      "this folder is the vault's own folder, inside it, or one of its parents: a watched folder's files are moved and deleted, " +
        'so it must be a folder of its own (e.g. /srv/phone-backups)',
    );
  }
}

/**
 * A folder a web user asked to watch: inside an allowed folder (real paths), not the vault, and
 * an existing folder. Returns its real path, which is what gets stored and watched. The messages
 * name no server path but the allowed folders (which the web user may use anyway), and tell
 * whether a path exists only inside them.
 */
export function checkWebFolder(folder: string, vaultDir: string, allowed: string[], options: { writable?: boolean } = {}): string {
  if (allowed.length === 0) {
    throw new SourceConfigError(
      "the server's admin has not allowed any folder for watched-folder sources; on the server, run: textvault config set sources.allowed-folders /srv/phone-backups",
    );
  }
  if (!path.isAbsolute(folder)) throw new SourceConfigError('give the folder as an absolute path on the server, e.g. /srv/phone-backups/pixel');
  const real = realPathOf(folder);
  const roots = allowed.map(realPathOf);
  if (!roots.some((root) => isWithin(real, root))) {
    throw new SourceConfigError(`the web app can only watch folders inside ${allowed.join(', ')} (the server's sources.allowed-folders setting); ask its admin to allow another folder`);
  }
  assertNotVaultFolder(real, vaultDir);
  let isDir: boolean;
  try {
    isDir = fs.statSync(real).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new SourceConfigError(`${folder} is not a folder on the server: create it inside ${allowed.join(', ')} first`);
  const problem = folderProblem(real, options);
  if (problem !== undefined) throw new SourceConfigError(`${problem.replace(real, folder)}: give the user that runs textvault on the server access to it`);
  return real;
}

/**
 * Before a run: the folder is still not the vault (a symlink may have been swapped in) and, for a
 * source added in the web app, still inside an allowed folder.
 */
export function assertFolderMayBeWatched(folder: string, options: { vaultDir: string; allowed: string[]; fromWebApp: boolean }): void {
  assertNotVaultFolder(folder, options.vaultDir);
  if (!options.fromWebApp) return;
  const real = realPathOf(folder);
  if (!options.allowed.map(realPathOf).some((root) => isWithin(real, root))) {
    throw new SourceConfigError(
      "this folder source was added in the web app and its folder is no longer inside the server's sources.allowed-folders; it is not watched until its admin allows it again",
    );
  }
}

/** A watched folder that is missing or cannot be read: nothing can arrive from it until it is fixed. */
export class FolderUnavailableError extends Error {
  override readonly name = 'FolderUnavailableError';
}

/**
 * Why the folder cannot be watched now, or undefined when it can: it does not exist, is not a
 * folder, or cannot be listed by this process (a typo, an unmounted drive, a sync tool that
 * removed it, wrong permissions). `writable`: the source moves or deletes imported files, so it
 * must be able to change the folder too.
 */
export function folderProblem(folder: string, options: { writable?: boolean } = {}): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(folder);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${folder} does not exist`;
    return `${folder} cannot be read (${code ?? String(e)})`;
  }
  if (!st.isDirectory()) return `${folder} is a file, not a folder`;
  try {
    // Listing it is what a scan does; access() alone says nothing on some network file systems.
    fs.accessSync(folder, fs.constants.R_OK | fs.constants.X_OK);
    fs.opendirSync(folder).closeSync();
  } catch (e) {
    return `${folder} cannot be read by the user textvault runs as (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  if (options.writable === true) {
    try {
      fs.accessSync(folder, fs.constants.W_OK);
    } catch (e) {
      return `${folder} cannot be changed by the user textvault runs as (${(e as NodeJS.ErrnoException).code ?? String(e)}), but imported files are to be moved or deleted`;
    }
  }
  return undefined;
}

/**
 * Refuses, when a source is added, a folder that cannot be watched: a mistyped folder would
 * otherwise be accepted and report "nothing new" for ever.
 */
export function assertUsableFolder(folder: string, options: { writable?: boolean } = {}): void {
  const problem = folderProblem(folder, options);
  if (problem === undefined) return;
  const fix = problem.endsWith('does not exist')
    ? `check the spelling, or create the folder first (mkdir -p ${JSON.stringify(folder)}) and point the phone's sync there`
    : problem.includes('is a file')
      ? 'give the folder the backups land in, not a file in it'
      : 'give the user that runs textvault read (and, to move or delete imported files, write) permission on it';
  throw new SourceConfigError(`${problem}: ${fix}`);
}
