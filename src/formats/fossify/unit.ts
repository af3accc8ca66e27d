/** A Fossify Messages JSON export (plain or gzip) as a BackupUnit. */
import type { BackupUnit } from '../backup-unit.js';
import type { InputLimits } from '../limits.js';
import { PROVIDER_FIELDS } from '../provider-fields.js';
import { streamUnits } from '../stream-unit.js';
import { readFossify } from './reader.js';

export function fossifyUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  return streamUnits(
    file,
    'fossify',
    'messages',
    (source, name, ctx) => readFossify(source, { file: name, sink: ctx.sink, handler: ctx.handler, salvage: ctx.salvage }),
    PROVIDER_FIELDS,
    limits,
  );
}
