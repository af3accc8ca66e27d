/**
 * Textvault NDJSON exports as BackupUnits: the file (plain or gzip) is one unit; its media are
 * read from the `media/` folder beside it. Only `media/<sha256>` is ever opened, with the hash
 * validated by the reader and again here, so nothing from the file reaches a path unchecked.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackupUnit } from '../backup-unit.js';
import { InputError } from '../container.js';
import type { InputLimits } from '../limits.js';
import { PROVIDER_FIELDS } from '../provider-fields.js';
import { streamUnits } from '../stream-unit.js';
import { readNdjson } from './reader.js';
import { MEDIA_DIR, SHA256 } from './schema.js';

export function ndjsonUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  const mediaDir = path.join(path.dirname(path.resolve(file)), MEDIA_DIR);
  const openMedia = (_relativePath: string, sha256: string): AsyncIterable<Buffer> => {
    if (!SHA256.test(sha256)) throw new InputError(`${file}: media name ${JSON.stringify(sha256)} is not a SHA-256`);
    const beside = path.join(mediaDir, sha256);
    if (!fs.existsSync(beside)) {
      throw new InputError(`${file}: media ${sha256} is missing from ${mediaDir}; put the export's ${MEDIA_DIR}/ folder beside the NDJSON file`);
    }
    return fs.createReadStream(beside, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  };
  // Records keep the attributes of whatever backup they first came from: PROVIDER_FIELDS reads
  // both SBR's and the provider formats' conventions.
  return streamUnits(
    file,
    'textvault-ndjson',
    'messages',
    async (source, name, ctx) => {
      await readNdjson(source, { file: name, sink: ctx.sink, handler: ctx.handler, openMedia });
      return { skipped: 0 };
    },
    PROVIDER_FIELDS,
    limits,
  );
}
