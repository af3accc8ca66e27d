/**
 * Titanium Backup messages XML as BackupUnits: one file (plain or gzip), or a ZIP of them. Each
 * ZIP entry is recognised by its content: the app's XML, and any SMS Backup & Restore XML kept
 * beside it; other entries are left out.
 */
import type { BackupUnit } from '../backup-unit.js';
import { openInput, readHead, type InputEntry } from '../container.js';
import { NotABackupError } from '../errors.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';
import { PROVIDER_FIELDS } from '../provider-fields.js';
import { isSbrXml } from '../sbr/format.js';
import { streamUnit } from '../stream-unit.js';
import { isTitaniumXml } from './format.js';
import { readTitanium } from './reader.js';

const HEAD_BYTES = 4096;

export async function titaniumUnits(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<BackupUnit[]> {
  const entries = await openInput(file, limits);
  const only = entries[0];
  // A plain or gzip file is the format already recognised: no need to look at it again.
  if (entries.length === 1 && only !== undefined && only.container !== 'zip') return [titaniumUnit(only, limits)];
  const units: BackupUnit[] = [];
  for (const entry of entries) {
    const head = await readHead(entry, HEAD_BYTES);
    if (isTitaniumXml(head)) units.push(titaniumUnit(entry, limits));
    else if (isSbrXml(head)) units.push((await import('../sbr/unit.js')).sbrUnit(entry, limits));
  }
  if (!units.some((u) => u.format === 'titanium')) {
    throw new NotABackupError(file, 'it holds no Titanium Backup messages XML (<threads>)', 'a Titanium Backup backup');
  }
  return units;
}

function titaniumUnit(entry: InputEntry, limits: InputLimits): BackupUnit {
  const unit = streamUnit(entry, 'titanium', 'messages', (source, name, ctx) => readTitanium(source, name, ctx, limits), PROVIDER_FIELDS);
  return entry.entryName === undefined ? unit : { ...unit, entryName: entry.entryName };
}
