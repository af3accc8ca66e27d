/** A Titanium Backup messages XML file (plain or gzip) as a BackupUnit. */
import type { BackupUnit } from '../backup-unit.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';
import { PROVIDER_FIELDS } from '../provider-fields.js';
import { streamUnits } from '../stream-unit.js';
import { readTitanium } from './reader.js';

export function titaniumUnits(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<BackupUnit[]> {
  return streamUnits(file, 'titanium', 'messages', (source, name, ctx) => readTitanium(source, name, ctx, limits), PROVIDER_FIELDS, limits);
}
