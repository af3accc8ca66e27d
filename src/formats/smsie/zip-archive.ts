/**
 * An SMS Import/Export ZIP opened for random access: its entries are listed once from the central
 * directory, checked, and then opened in any order as streams (messages.ndjson is read front to
 * back while each MMS's media is pulled from data/ as its line comes by). Nothing is extracted to
 * disk and nothing is held whole in memory.
 *
 * Refused outright: entry names that are absolute or climb with `..` (yauzl rejects them; the
 * message says why), entries whose declared size is absurd or whose compression ratio only a zip
 * bomb has. yauzl checks that every entry inflates to exactly its declared size, so the
 * declared-size checks bound the actual bytes too.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InputError, zipError } from '../container.js';

/** No media file or message list of a phone comes near this. */
export const MAX_ENTRY_BYTES = 64 * 1024 ** 3;
/** Deflate cannot beat ~1032:1; real backups stay far below this (text ~10:1, media ~1:1). */
export const MAX_RATIO = 200;
/** The ratio check applies from this size on (tiny entries compress well legitimately). */
const RATIO_FLOOR = 16 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 1024 ** 4;
const MAX_ENTRIES = 10_000_000;

export interface SafeZip {
  entries: Map<string, yauzl.Entry>;
  open(entry: yauzl.Entry): Promise<Readable>;
  close(): void;
}

export function checkEntry(file: string, e: { fileName: string; uncompressedSize: number; compressedSize: number }): void {
  const what = `${file}: refusing the archive: entry ${JSON.stringify(e.fileName)}`;
  if (e.uncompressedSize > MAX_ENTRY_BYTES) throw new InputError(`${what} claims ${e.uncompressedSize} bytes, more than any backup holds (a zip bomb?)`);
  if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize / Math.max(1, e.compressedSize) > MAX_RATIO) {
    throw new InputError(`${what} inflates ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1, which only a zip bomb does`);
  }
}

export async function openSafeZip(file: string): Promise<SafeZip> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) => {
      if (err) reject(new InputError(`${file}: damaged ZIP archive (${err.message})`));
      else resolve(z);
    });
  });
  const entries = new Map<string, yauzl.Entry>();
  try {
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        try {
          checkEntry(file, e);
          total += e.uncompressedSize;
          if (total > MAX_TOTAL_BYTES) throw new InputError(`${file}: refusing the archive: its entries add up to more than 1 TiB (a zip bomb?)`);
          if (entries.size >= MAX_ENTRIES) throw new InputError(`${file}: refusing the archive: more than ${MAX_ENTRIES} entries`);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
        zip.readEntry();
      });
      zip.on('end', () => {
        resolve();
      });
      zip.on('error', (err: Error) => {
        reject(zipError(file, err));
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw e;
  }
  return {
    entries,
    open: (entry) =>
      new Promise((resolve, reject) => {
        zip.openReadStream(entry, (err, s) => {
          if (err) reject(new InputError(`${file}!${entry.fileName}: cannot read entry (${err.message})`));
          else resolve(s);
        });
      }),
    close: () => {
      zip.close();
    },
  };
}
