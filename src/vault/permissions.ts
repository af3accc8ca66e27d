/**
 * A vault holds private messages, account hashes and the key of its sealed secrets: only the
 * user the vault runs as may read it. New vaults are made so (folder 0700, files 0600, whatever
 * the umask); this finds what an older vault, a copy or a restore left readable by others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { countNoun } from '../formats/plural.js';

/** Group and other permission bits. */
const SHARED_BITS = 0o077;

export interface PermissionProblem {
  path: string;
  mode: number;
}

function modeOf(p: string): number | undefined {
  try {
    return fs.lstatSync(p).mode & 0o777;
  } catch {
    return undefined;
  }
}

/**
 * The vault folder and the files and folders in it (two levels: the databases, blobs/ and its
 * packs/ and tmp/) that other users could read or write. Not every blob: a vault folder that is
 * private already keeps them from everyone else, and walking a million media files at each start
 * would cost seconds.
 */
export function permissionProblems(dir: string): PermissionProblem[] {
  const out: PermissionProblem[] = [];
  const check = (p: string, depth: number): void => {
    const mode = modeOf(p);
    if (mode === undefined) return;
    if ((mode & SHARED_BITS) !== 0) out.push({ path: p, mode });
    if (depth === 0) return;
    let names: string[];
    try {
      const st = fs.lstatSync(p);
      if (!st.isDirectory()) return;
      names = fs.readdirSync(p);
    } catch {
      return;
    }
    for (const name of names.sort()) check(path.join(p, name), depth - 1);
  };
  check(dir, 3);
  return out;
}

/** One line for the console saying what is wrong and the command that fixes it; null when nothing is. */
export function permissionWarning(dir: string): string | null {
  const problems = permissionProblems(dir);
  if (problems.length === 0) return null;
  const first = problems[0];
  const example = first === undefined ? '' : ` (e.g. ${first.path} is ${first.mode.toString(8).padStart(4, '0')})`;
  return (
    `warning: ${countNoun(problems.length, 'file or folder', 'files or folders')} of the vault ${dir} can be read by other users of this machine${example}. ` +
    `Make them private: chmod -R go-rwx '${dir.replace(/'/g, "'\\''")}'`
  );
}
