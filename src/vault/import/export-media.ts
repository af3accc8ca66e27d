/**
 * Where the media of a Textvault NDJSON export come from on import: the `media/` folder beside
 * the file, or, when it is not there, the vault itself (re-importing an export into the vault it
 * came from needs no media folder). The reader asks only for `media/<64 hex digits>`; this checks
 * that again before building a path, so nothing from the file reaches the file system unchecked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError, type InputEntry } from '../../formats/container.js';
import { MEDIA_DIR, SHA256 } from '../../formats/ndjson/schema.js';
import type { Vault } from '../vault.js';

export function exportMediaSource(vault: Vault, entry: InputEntry): (relativePath: string, sha256: string) => AsyncIterable<Buffer> {
  return (_relativePath, sha256) => {
    if (!SHA256.test(sha256)) throw new InputError(`${entry.name}: media name ${JSON.stringify(sha256)} is not a SHA-256`);
    const beside = entry.container === 'zip' ? undefined : path.join(path.dirname(path.resolve(entry.file)), MEDIA_DIR, sha256);
    if (beside !== undefined && fs.existsSync(beside)) return fs.createReadStream(beside, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
    if (vault.blobs.has(sha256)) return vault.blobs.openRead(sha256) as AsyncIterable<Buffer>;
    throw new InputError(
      `${entry.name}: media ${sha256} is neither in ${beside ?? `a ${MEDIA_DIR}/ folder (ZIP archives are not searched)`} nor in this vault; put the export's ${MEDIA_DIR}/ folder beside the NDJSON file`,
    );
  };
}
