/**
 * Helium (ClockworkMod Carbon) keeps its backups in a `carbon/` folder: one folder per app
 * (`carbon/<package>/`) holding `<package>.ab` (an Android backup of that app alone), a `.json`
 * of metadata and the app's icon. Only the telephony provider's `.ab` holds messages; a folder
 * without it gets a message saying what it holds instead of "not a backup".
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotABackupError } from '../errors.js';
import { TELEPHONY_PACKAGE } from './packages.js';

/** More folders than any phone has apps: the scan stops there. */
const MAX_SCAN = 10_000;
const NAMED = 5;

export interface HeliumFolder {
  /** The packages with an `.ab`, from their file names. */
  packages: string[];
  /** The telephony provider's `.ab`, when the folder has one. */
  telephony?: string;
}

function abFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.ab'))
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/** The Helium backups in `dir` (a `carbon/` folder or one app's folder in it), or undefined. */
export function heliumFolder(dir: string): HeliumFolder | undefined {
  let files = abFiles(dir);
  if (files.length === 0) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const e of entries.slice(0, MAX_SCAN)) if (e.isDirectory()) files.push(...abFiles(path.join(dir, e.name)));
    files = files.sort();
  }
  if (files.length === 0) return undefined;
  const packages = files.map((f) => path.basename(f).replace(/\.ab$/i, ''));
  const telephony = files.find((f) => path.basename(f) === `${TELEPHONY_PACKAGE}.ab`);
  return { packages, ...(telephony === undefined ? {} : { telephony }) };
}

export function heliumWithoutMessages(dir: string, h: HeliumFolder): NotABackupError {
  const n = h.packages.length;
  const names = h.packages.slice(0, NAMED).join(', ') + (n > NAMED ? ', ...' : '');
  return new NotABackupError(
    dir,
    `it is a Helium backup folder holding the app backups of ${n} app${n === 1 ? '' : 's'} (${names}), but not the telephony provider's (${TELEPHONY_PACKAGE}.ab): it has no messages. ` +
      'Helium backs up apps and their data; back up messages with an SMS backup app, or with adb backup com.android.providers.telephony',
    'a backup with messages',
  );
}
