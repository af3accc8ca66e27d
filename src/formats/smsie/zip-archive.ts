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
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { checkExpansion, checkNoOverlap, InputError, zipError, zipOpenError } from '../container.js';
import { oneLine } from '../errors.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';

/** No media file or message list of a phone comes near this. */
export const MAX_ENTRY_BYTES = 64 * 1024 ** 3;
/** Deflate cannot beat ~1032:1; real backups stay far below this (text ~10:1, media ~1:1). */
export const MAX_RATIO = 200;
/** The ratio check applies from this size on (tiny entries compress well legitimately). */
const RATIO_FLOOR = 16 * 1024 * 1024;
const MAX_ENTRIES = 10_000_000;

export interface SafeZip {
  entries: Map<string, yauzl.Entry>;
  open(entry: yauzl.Entry): Promise<Readable>;
  /** A stored (uncompressed) entry's bytes in one read; undefined for a compressed entry. */
  readStored(entry: yauzl.Entry): Promise<Buffer | undefined>;
  close(): void;
}

export function checkEntry(file: string, e: { fileName: string; uncompressedSize: number; compressedSize: number }): void {
  const what = `${file}: refusing the archive: entry ${JSON.stringify(e.fileName)}`;
  if (e.uncompressedSize > MAX_ENTRY_BYTES) throw new InputError(`${what} claims ${e.uncompressedSize} bytes, more than any backup holds (a zip bomb?)`);
  if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize / Math.max(1, e.compressedSize) > MAX_RATIO) {
    throw new InputError(`${what} inflates ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1, which only a zip bomb does`);
  }
}

/**
 * Also refused: entries that overlap in the file (checkNoOverlap), and archives whose entries
 * together expand past the input limits (total and ratio to the file's size).
 *
 * `only`: keep just the entries it accepts, to read one of them (a sample of messages.ndjson on
 * the import's own thread) without holding the whole directory; the overlap check then does not
 * run (it needs every entry), the other checks do.
 */
export async function openSafeZip(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS, only?: (name: string) => boolean): Promise<SafeZip> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) => {
      if (err) reject(zipOpenError(file, err));
      else resolve(z);
    });
  });
  const entries = new Map<string, yauzl.Entry>();
  const all: yauzl.Entry[] = [];
  const archiveSize = fs.statSync(file).size;
  try {
    let total = 0;
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        try {
          checkEntry(file, e);
          total += e.uncompressedSize;
          checkExpansion(file, total, archiveSize, limits);
          if (++count > MAX_ENTRIES) throw new InputError(`${file}: refusing the archive: more than ${MAX_ENTRIES} entries`);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (only === undefined) all.push(e);
        if (!e.fileName.endsWith('/') && (only === undefined || only(e.fileName))) entries.set(e.fileName, e);
        zip.readEntry();
      });
      zip.on('end', () => {
        try {
          if (only === undefined) checkNoOverlap(file, all);
          resolve();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      zip.on('error', (err: Error) => {
        reject(zipError(file, err, count));
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw e;
  }
  const fd = fs.openSync(file, 'r');
  const fileSize = fs.fstatSync(fd).size;
  const pread = (buf: Buffer, position: number): Promise<number> =>
    new Promise((resolve, reject) => {
      fs.read(fd, buf, 0, buf.length, position, (err, n) => {
        if (err) reject(err);
        else resolve(n);
      });
    });
  /** Where an entry's stored bytes start (its local header read and checked, as yauzl does). */
  const dataStart = async (entry: yauzl.Entry): Promise<number> => {
    const where = `${file}!${oneLine(entry.fileName)}`;
    if ((entry.generalPurposeBitFlag & 1) !== 0) throw new InputError(`${where}: the entry is encrypted with ZIP encryption, which no backup app uses; refusing it`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new InputError(`${where}: unsupported compression method ${entry.compressionMethod}`);
    const head = Buffer.alloc(30);
    if ((await pread(head, entry.relativeOffsetOfLocalHeader)) !== 30 || head.readUInt32LE(0) !== 0x04034b50) {
      throw new InputError(`${where}: damaged ZIP entry (no local file header)`);
    }
    const start = entry.relativeOffsetOfLocalHeader + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (start + entry.compressedSize > fileSize) throw new InputError(`${where}: damaged ZIP entry (its data runs past the end of the file)`);
    if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) throw new InputError(`${where}: damaged ZIP entry (stored sizes disagree)`);
    return start;
  };
  return {
    entries,
    open: async (entry) => {
      const start = await dataStart(entry);
      const where = `${file}!${oneLine(entry.fileName)}`;
      // Read through our own descriptor in 1 MiB steps (yauzl reads 16 KiB at a time), and
      // inflated here with our own size check: far fewer thread-pool round trips.
      const stored = fs.createReadStream('', { fd, start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20, autoClose: false });
      if (entry.compressedSize === 0) stored.destroy();
      let size = 0;
      const checked = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > entry.uncompressedSize) done(new InputError(`${where}: inflates to more than its declared ${entry.uncompressedSize} bytes; refusing it`));
          else done(null, chunk);
        },
        flush(done) {
          done(size === entry.uncompressedSize ? null : new InputError(`${where}: damaged ZIP entry (${size} bytes instead of ${entry.uncompressedSize})`));
        },
      });
      const fail = (err: Error): void => {
        checked.destroy(err instanceof InputError ? err : new InputError(`${where}: damaged ZIP entry (${err.message})`));
      };
      stored.on('error', fail);
      if (entry.compressedSize === 0) {
        checked.end();
      } else if (entry.compressionMethod === 8) {
        const inflate = createInflateRaw({ chunkSize: 1 << 20 });
        inflate.on('error', fail);
        stored.pipe(inflate).pipe(checked);
      } else {
        stored.pipe(checked);
      }
      return checked;
    },
    readStored: async (entry) => {
      if (entry.compressionMethod !== 0 || (entry.generalPurposeBitFlag & 1) !== 0) return undefined;
      // One read for header and data: the local header's name and extra field are almost always
      // those of the central directory (a little slack covers a longer extra field).
      const guess = 30 + entry.fileNameLength + entry.extraFieldLength + 256;
      const at = entry.relativeOffsetOfLocalHeader;
      const buf = Buffer.alloc(Math.min(guess + entry.uncompressedSize, Math.max(0, fileSize - at)));
      const n = await pread(buf, at);
      if (n >= 30 && buf.readUInt32LE(0) === 0x04034b50) {
        const start = 30 + buf.readUInt16LE(26) + buf.readUInt16LE(28);
        if (start + entry.uncompressedSize <= n) return Buffer.from(buf.subarray(start, start + entry.uncompressedSize));
      }
      const start = await dataStart(entry);
      const data = Buffer.alloc(entry.uncompressedSize);
      if (data.length > 0 && (await pread(data, start)) !== data.length) throw new InputError(`${file}!${oneLine(entry.fileName)}: damaged ZIP entry (truncated)`);
      return data;
    },
    close: () => {
      zip.close();
      fs.closeSync(fd);
    },
  };
}
