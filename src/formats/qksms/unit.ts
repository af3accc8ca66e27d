/** A QKSMS backup (plain or gzip) as a BackupUnit. */
import type { BackupUnit } from '../backup-unit.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';
import { PROVIDER_FIELDS } from '../provider-fields.js';
import { streamUnits } from '../stream-unit.js';
import { readQksms } from './reader.js';

export function qksmsUnits(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<BackupUnit[]> {
  return streamUnits(
    file,
    'qksms',
    'messages',
    (source, name, ctx) => readQksms(source, { file: name, handler: ctx.handler, salvage: ctx.salvage, limits }),
    PROVIDER_FIELDS,
    limits,
  );
}
