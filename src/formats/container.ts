/**
 * Backups arrive as plain files, gzip files or ZIP archives holding several backups. This opens
 * any of them as a list of entries, each a stream of the backup's bytes. The kind is decided by
 * the file's first bytes, never by its name.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import { oneLine } from './errors.js';
import { DEFAULT_INPUT_LIMITS, formatSize, LimitExceededError, RATIO_FLOOR, type InputLimits } from './limits.js';

export type ContainerKind = 'plain' | 'gzip' | 'zip';

export interface InputEntry {
  /** What to call it in messages and in the backups list: `file` or `archive.zip!entry.xml`. */
  name: string;
  /** The file on disk. */
  file: string;
  /** The entry's name inside a ZIP archive (display only, never used as a path). */
  entryName?: string;
  container: ContainerKind;
  /** Bytes on disk that reading this entry consumes (for progress). */
  sizeOnDisk: number;
  /** The size `digest()` will report: the file's (plain, gzip) or the entry's content (zip). */
  digestSize: number;
  /**
   * Opens the entry's content. `onRawBytes` sees the bytes as read from disk (compressed), for
   * progress; the returned `digest()` is the SHA-256 and size of the file (plain, gzip) or of the
   * entry's content (zip) once the stream has been read to the end. `onExpanded` sees the same
   * bytes once decompressed (what the reader parses): a job reports both, so a small archive that
   * inflates to gigabytes shows it while it runs.
   */
  open(onRawBytes?: (n: number) => void, onExpanded?: (n: number) => void): Promise<OpenedEntry>;
}

export interface OpenedEntry {
  stream: Readable;
  digest(): { sha256: string; size: number };
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The biggest uncompressed ZIP entry we accept (a whole phone's history is far below this). */
export const MAX_ZIP_ENTRY_BYTES = 64 * 1024 ** 3;
const MAX_ZIP_ENTRIES = 10_000;
const CHUNK = 1 << 20;

export async function sniff(file: string): Promise<ContainerKind> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    return 'plain';
  } finally {
    await fh.close();
  }
}

function hashTap(hash: Hash, counter: { n: number }, onRawBytes?: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      counter.n += chunk.length;
      onRawBytes?.(chunk.length);
      done(null, chunk);
    },
  });
}

/** The file's stat, or an InputError that names the file and says what is wrong, not the syscall. */
export async function statInput(file: string): Promise<fs.Stats> {
  try {
    return await fs.promises.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
}

/**
 * Counts the bytes a decompressor gives and fails once they pass the input's limits (total, and
 * ratio to the size on disk): a small gzip file must not expand to gigabytes of records.
 */
export function expansionGuard(file: string, sizeOnDisk: number, limits: InputLimits, onExpanded?: (n: number) => void): Transform {
  let expanded = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      expanded += chunk.length;
      onExpanded?.(chunk.length);
      try {
        checkExpansion(file, expanded, sizeOnDisk, limits);
      } catch (e) {
        done(e as Error);
        return;
      }
      done(null, chunk);
    },
  });
}

/** Throws when `expanded` bytes from `sizeOnDisk` compressed bytes pass the input's limits. */
export function checkExpansion(file: string, expanded: number, sizeOnDisk: number, limits: InputLimits): void {
  if (expanded > limits.maxExpandedBytes) {
    throw new LimitExceededError(file, 'maxExpandedBytes', `it expands to more than ${formatSize(limits.maxExpandedBytes)} when decompressed`, formatSize(limits.maxExpandedBytes));
  }
  if (expanded > RATIO_FLOOR && expanded > limits.maxExpansionRatio * Math.max(1, sizeOnDisk)) {
    throw new LimitExceededError(
      file,
      'maxExpansionRatio',
      `its ${formatSize(sizeOnDisk)} expand to more than ${formatSize(expanded)} when decompressed (more than ${String(limits.maxExpansionRatio)} times their size; a decompression bomb?)`,
      `${String(limits.maxExpansionRatio)}:1`,
    );
  }
}

export async function openInput(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<InputEntry[]> {
  const stat = await statInput(file);
  if (stat.isDirectory()) throw new InputError(`${file}: is a folder; give the backup files inside it`);
  const kind = await sniff(file);
  if (kind === 'zip') return zipEntries(file, stat.size, limits);
  return [
    {
      name: file,
      file,
      container: kind,
      sizeOnDisk: stat.size,
      digestSize: stat.size,
      open: (onRawBytes, onExpanded) => {
        const hash = createHash('sha256');
        const counter = { n: 0 };
        const raw = fs.createReadStream(file, { highWaterMark: CHUNK });
        // A plain file's bytes are its content: each counts once on disk and once expanded.
        const onRead =
          kind === 'gzip' || onExpanded === undefined
            ? onRawBytes
            : (n: number): void => {
                onRawBytes?.(n);
                onExpanded(n);
              };
        const tap = hashTap(hash, counter, onRead);
        const out = new PassThrough({ highWaterMark: CHUNK });
        const gunzip = kind === 'gzip' ? createGunzip({ chunkSize: CHUNK }) : undefined;
        const fail = (err: Error | null): void => {
          if (!err) return;
          // zlib says what is wrong, never where: how far it had read is the place to look.
          out.destroy(gunzip !== undefined && !(err instanceof LimitExceededError) ? new InputError(`${file}: damaged gzip data near byte ${gunzip.bytesWritten} (${err.message})`) : err);
        };
        if (gunzip !== undefined) feed(out, [raw, tap, gunzip, expansionGuard(file, stat.size, limits, onExpanded)], fail);
        else feed(out, [raw, tap], fail);
        return Promise.resolve({ stream: out, digest: () => ({ sha256: hash.digest('hex'), size: counter.n }) });
      },
    },
  ];
}

/**
 * Runs `stages` in a pipeline and feeds `out` from the last one, outside it: pipeline() destroys
 * every stream in it with the first error, so with `out` inside, the reader would get the bare
 * error (zlib's "unexpected end of file", "invalid bit length repeat") before `done` could
 * destroy `out` with one that names the file. A reader that stops early closes `out`, which
 * releases the stages (the file, the inflater).
 */
function feed(out: PassThrough, stages: [Readable, ...Transform[]], done: (err: Error | null) => void): void {
  const last = stages[stages.length - 1] ?? stages[0];
  pipeline(stages, done);
  last.pipe(out);
  out.once('close', () => {
    if (!last.readableEnded) last.destroy();
  });
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => {
      if (err) reject(zipOpenError(file, err));
      else resolve(zip);
    });
  });
}

/**
 * Refuses a ZIP archive whose entries share bytes: two entries at the same local header, or one
 * whose local header lies inside another's data. Real archives never do that; overlapping
 * entries are how a small ZIP makes a reader inflate the same data thousands of times (2,000
 * entries pointing at one 376 KB file tied up the job queue for hours). Each entry spans at least
 * its 30-byte local header and its compressed data.
 */
export function checkNoOverlap(file: string, entries: readonly Pick<yauzl.Entry, 'relativeOffsetOfLocalHeader' | 'compressedSize' | 'fileName'>[]): void {
  const sorted = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  for (let k = 1; k < sorted.length; k++) {
    const before = sorted[k - 1];
    const entry = sorted[k];
    if (before === undefined || entry === undefined) continue;
    if (entry.relativeOffsetOfLocalHeader < before.relativeOffsetOfLocalHeader + 30 + before.compressedSize) {
      const how = entry.relativeOffsetOfLocalHeader === before.relativeOffsetOfLocalHeader ? 'start at the same place' : 'overlap';
      throw new InputError(
        `${file}: refusing the archive: entries ${JSON.stringify(before.fileName)} and ${JSON.stringify(entry.fileName)} ${how} in the file, which only a zip bomb does`,
      );
    }
  }
}

/**
 * Calls `visit` for each entry of a ZIP archive's central directory, in order, keeping none of
 * them: detection looks at every name of an archive that may list millions, on the server's
 * own thread.
 */
export async function forEachZipEntry(file: string, maxEntries: number, visit: (e: yauzl.Entry) => void): Promise<number> {
  const zip = await openZip(file);
  try {
    return await new Promise<number>((resolve, reject) => {
      let count = 0;
      zip.on('entry', (e: yauzl.Entry) => {
        if (++count > maxEntries) {
          reject(new InputError(`${file}: more than ${maxEntries} entries; not a backup archive`));
          return;
        }
        visit(e);
        zip.readEntry();
      });
      zip.on('end', () => {
        resolve(count);
      });
      zip.on('error', (err: Error) => {
        reject(zipError(file, err, count));
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** The entries of a ZIP archive (central directory only; nothing is decompressed). */
export async function listZip(file: string, maxEntries = MAX_ZIP_ENTRIES): Promise<yauzl.Entry[]> {
  const zip = await openZip(file);
  try {
    return await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const entries: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        entries.push(e);
        if (entries.length > maxEntries) {
          reject(new InputError(`${file}: more than ${maxEntries} entries; not a backup archive`));
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => {
        try {
          checkNoOverlap(file, entries);
          resolve(entries);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      zip.on('error', (err: Error) => {
        reject(zipError(file, err, entries.length));
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/**
 * yauzl's error for an archive, said so the user knows whether it is damaged or hostile, and
 * where: `entriesRead` entries of the central directory were read before it (yauzl says neither).
 */
export function zipError(file: string, err: Error, entriesRead: number): InputError {
  const traversal = /invalid relative path|absolute path|invalid characters in fileName/.test(err.message);
  const where = `at entry ${entriesRead + 1} of its central directory`;
  return new InputError(
    traversal ? `${file}: refusing the archive: an entry name points outside the archive (${where}: ${err.message})` : `${file}: damaged ZIP archive ${where} (${err.message})`,
  );
}

/** yauzl could not open the archive: its end-of-central-directory record, at the end of the file, is missing or damaged. */
export function zipOpenError(file: string, err: Error): InputError {
  return new InputError(`${file}: damaged ZIP archive: the central directory record at the end of the file cannot be read (${err.message})`);
}

async function zipEntries(file: string, fileSize: number, limits: InputLimits): Promise<InputEntry[]> {
  const all = await listZip(file);
  // Entries inflate to exactly their declared sizes (yauzl checks), and do not overlap: their
  // declared sizes bound what the whole archive expands to.
  checkExpansion(file, all.reduce((sum, e) => sum + e.uncompressedSize, 0), fileSize, limits);
  const files = all.filter((e) => !e.fileName.endsWith('/') && !path.posix.basename(e.fileName).startsWith('.'));
  return files.map((e) => {
    if (e.uncompressedSize > MAX_ZIP_ENTRY_BYTES) {
      throw new InputError(`${file}: entry ${e.fileName} claims ${e.uncompressedSize} bytes, more than any backup; refusing it`);
    }
    return {
      // The entry name is only ever displayed, never used as a path.
      // An entry's name is the archive's to choose: a line break in it must not split a message.
      name: `${file}!${oneLine(e.fileName)}`,
      file,
      entryName: e.fileName,
      container: 'zip' as const,
      sizeOnDisk: e.compressedSize,
      digestSize: e.uncompressedSize,
      open: async (onRawBytes?: (n: number) => void, onExpanded?: (n: number) => void) => {
        const zip = await openZip(file);
        const entry = await findEntry(zip, e.fileName);
        const stream = await new Promise<Readable>((resolve, reject) => {
          zip.openReadStream(entry, (err, s) => {
            if (err) reject(new InputError(`${file}!${oneLine(e.fileName)}: cannot read entry (${err.message})`));
            else resolve(s);
          });
        });
        const hash = createHash('sha256');
        const counter = { n: 0 };
        const out = new PassThrough({ highWaterMark: CHUNK });
        // Progress counts uncompressed bytes scaled to the compressed size on disk.
        const ratio = e.uncompressedSize > 0 ? e.compressedSize / e.uncompressedSize : 1;
        feed(
          out,
          [
            stream,
            hashTap(hash, counter, (n) => {
              onRawBytes?.(n * ratio);
              onExpanded?.(n);
            }),
          ],
          (err) => {
            zip.close();
            if (err) out.destroy(new InputError(`${file}!${oneLine(e.fileName)}: damaged ZIP entry (${err.message})`));
          },
        );
        return { stream: out, digest: () => ({ sha256: hash.digest('hex'), size: counter.n }) };
      },
    };
  });
}

/**
 * Up to `limit` bytes from the start of one ZIP entry, found by walking the central directory
 * without keeping it (detection: an archive may hold far more entries than openInput lists, as a
 * Google Takeout does). Undefined when there is no such entry.
 */
export async function readZipEntryHead(file: string, name: string, limit: number): Promise<Buffer | undefined> {
  const zip = await openZip(file);
  try {
    const entry = await findEntry(zip, name).catch(() => undefined);
    if (entry === undefined) return undefined;
    const stream = await new Promise<Readable>((resolve, reject) => {
      zip.openReadStream(entry, (err, s) => {
        if (err) reject(new InputError(`${file}!${oneLine(name)}: cannot read entry (${err.message})`));
        else resolve(s);
      });
    });
    return await takeHead(stream, limit);
  } finally {
    zip.close();
  }
}

function findEntry(zip: yauzl.ZipFile, name: string): Promise<yauzl.Entry> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (e.fileName === name) resolve(e);
      else zip.readEntry();
    });
    zip.on('end', () => {
      reject(new InputError(`ZIP entry ${name} disappeared while importing`));
    });
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** SHA-256 and size of an entry, as `digest()` reports them, without using its content. */
export async function digestEntry(entry: InputEntry): Promise<{ sha256: string; size: number }> {
  const opened = await entry.open();
  for await (const _chunk of opened.stream) {
    // drained only for the digest
  }
  return opened.digest();
}

/** Reads up to `limit` bytes from the start of an entry (for format and region sniffing). */
export async function readHead(entry: InputEntry, limit: number): Promise<Buffer> {
  const { stream } = await entry.open();
  return takeHead(stream, limit);
}

/** The first `limit` bytes of a stream, which is then destroyed. */
async function takeHead(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      chunks.push(b);
      n += b.length;
      if (n >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}
