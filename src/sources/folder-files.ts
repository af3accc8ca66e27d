/**
 * The file-system side of a watched folder: which names are never backups (temp and partial
 * files), and what happens to a file after its import (kept, moved to done/ or deleted). A file
 * that is not a backup is never touched: it is only reported (folder-watcher.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

export const DONE_DIR = 'done';
/** Where earlier versions moved files that were not backups: still never looked into. */
export const REJECTED_DIR = 'rejected';

/** Names sync tools, browsers and editors give files they are still writing. */
const TEMP_SUFFIXES = ['.tmp', '.temp', '.part', '.partial', '.crdownload', '.download', '.filepart', '.!sync', '.swp', '~'];

/** A name that is never a finished backup: dotfiles and partial/temp names. */
export function isTempName(name: string): boolean {
  const lower = name.toLowerCase();
  if (name.startsWith('.') || name.startsWith('~$')) return true;
  if (lower.endsWith('.reason.txt')) return true;
  return TEMP_SUFFIXES.some((s) => lower.endsWith(s));
}

/** A free name in `dir` for `name`: `name`, then `name (1)`, `name (2)`... before the extension. */
function freeName(dir: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? name : `${stem} (${i})${ext}`;
    if (!fs.existsSync(path.join(dir, candidate))) return path.join(dir, candidate);
  }
}

/** Moves a file into `<folder>/<sub>/` (never overwriting); returns where it went. */
export async function moveInto(folder: string, sub: string, file: string): Promise<string> {
  const dir = path.join(folder, sub);
  await fs.promises.mkdir(dir, { recursive: true });
  const target = freeName(dir, path.basename(file));
  await fs.promises.rename(file, target);
  return target;
}

/** The file as the watcher identifies a version of it. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

/**
 * A regular file's version; undefined for anything else. lstat: a symlink is not followed, so a
 * link dropped in the folder (a sync tool copies them) cannot make the server read, move or
 * delete a file elsewhere.
 */
export async function versionOf(file: string): Promise<FileVersion | undefined> {
  try {
    const st = await fs.promises.lstat(file);
    return st.isFile() ? { size: st.size, mtimeMs: Math.floor(st.mtimeMs) } : undefined;
  } catch {
    return undefined;
  }
}

export function sameVersion(a: FileVersion | undefined, b: FileVersion | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
