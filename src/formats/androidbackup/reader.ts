/**
 * Reads an Android backup (.ab) as one stream, in constant memory whatever its size:
 *
 *   file -> (AES-256-CBC decrypt) -> (zlib inflate) -> tar entries -> for each telephony
 *   provider entry: zlib inflate -> JSON array elements -> records
 *
 * Every other entry (apps' data, APKs, shared storage) is skipped as it streams past. The whole
 * file is still read, so that its digest is known and damage anywhere (a cut-off file, a wrong
 * padding) is reported, not imported as if the file were whole.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, pipeline, type Transform } from 'node:stream';
import { createInflate } from 'node:zlib';
import type { Digest } from '../backup-unit.js';
import { MalformedBackupError, NotABackupError, oneLine } from '../errors.js';
import { forEachObject } from '../json/element-reader.js';
import type { RecordHandler } from '../records.js';
import { payloadDecipher, type MasterKey } from './crypto.js';
import type { AbHeader } from './header.js';
import { safeEntryPath, TarDamageError, tarEntries } from './tar.js';
import { CallLogDamage, callAttrs, isCallLogEntry, keyValueEntities, MAX_CALL_LOG_BYTES } from './calllog.js';
import { mmsRecord, smsAttrs, TELEPHONY_PACKAGE, telephonyEntryKind } from './telephony.js';

/** Damage in an Android backup's binary layers (encryption, compression, tar): no line to point at. */
export class DamagedAndroidBackupError extends MalformedBackupError {
  constructor(file: string, reason: string) {
    super(file, 1, 1, reason);
    this.message = `${file}: ${reason}`;
  }
}

export interface AbReadOptions {
  file: string;
  header: AbHeader;
  masterKey?: MasterKey;
  handler: RecordHandler;
  salvage: boolean;
  onBytes(n: number): void;
  /** Bytes of the tar stream (decrypted and inflated), for progress in uncompressed bytes. */
  onExpanded?(n: number): void;
}

export interface AbReadStats {
  digest: Digest;
  skipped: number;
  firstSkipped?: string;
}

/** Passes a stream's chunks on, telling `count` each one's size. */
async function* counted(source: AsyncIterable<Buffer>, count?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    count?.(chunk.length);
    yield chunk;
  }
}

/** Package names kept for the "what it holds" message. */
const MAX_PACKAGES_NAMED = 5;

/**
 * The tar stream inside the file. `onRaw` sees every byte of the file, header included (for the
 * digest and progress). Errors of the decryption and decompression stages end the stream.
 */
function payload(file: string, header: AbHeader, masterKey: MasterKey | undefined, onRaw: (chunk: Buffer) => void): { tar: Readable; at: () => number | undefined } {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let skip = header.length;
  const body = Readable.from(
    (async function* () {
      for await (const c of raw) {
        const chunk = c as Buffer;
        onRaw(chunk);
        if (skip >= chunk.length) {
          skip -= chunk.length;
          continue;
        }
        const rest = chunk.subarray(skip);
        skip = 0;
        yield rest;
      }
    })(),
    { objectMode: false },
  );
  const stages: Transform[] = [];
  if (masterKey !== undefined) stages.push(payloadDecipher(masterKey));
  const inflate = header.compressed ? createInflate({ chunkSize: 1 << 16 }) : undefined;
  if (inflate !== undefined) stages.push(inflate);
  // pipeline() destroys both streams with the first error, so the last stage's iterator throws it.
  let out: Readable = body;
  for (const stage of stages) out = pipeline(out, stage, () => undefined);
  // Where zlib stopped, in the file: the cipher keeps lengths (to a block), so this holds for
  // encrypted files too.
  return { tar: out, at: () => (inflate === undefined ? undefined : header.length + inflate.bytesWritten) };
}

/**
 * What a stage's error means for the user; `at` is how far zlib had read (of the file or the
 * entry: `where` says which), which zlib's own message never says.
 */
function describeStreamError(e: unknown, at: number | undefined, where: 'file' | 'entry'): string | undefined {
  const code = (e as { code?: unknown }).code;
  const near = at === undefined ? '' : ` near byte ${at} of the ${where}`;
  if (code === 'Z_BUF_ERROR') return `the ${where} is cut off (its compressed data ends early${near})`;
  if (code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR') return `its compressed data is damaged${near} (${(e as Error).message})`;
  if (typeof code === 'string' && code.startsWith('ERR_OSSL')) return 'its encrypted data is cut off or damaged (the last block does not decrypt)';
  return undefined;
}

/** Inflates an entry's body; `progress.at` is how many compressed bytes zlib has taken. */
async function* inflateEntry(body: AsyncIterable<Buffer>, progress: { at: number } = { at: 0 }): AsyncGenerator<Buffer> {
  const inflate = createInflate();
  const source = Readable.from(body, { objectMode: false });
  inflate.on('data', () => {
    progress.at = inflate.bytesWritten;
  });
  inflate.on('error', () => {
    progress.at = inflate.bytesWritten;
  });
  const out = pipeline(source, inflate, () => undefined);
  for await (const c of out) yield c as Buffer;
}

export async function readAndroidBackup(opts: AbReadOptions): Promise<AbReadStats> {
  const { file, header, handler } = opts;
  const hash = createHash('sha256');
  let size = 0;
  const stats: AbReadStats = { digest: { sha256: '', size: 0 }, skipped: 0 };
  const packages = new Set<string>();
  let shared = false;
  let telephonyEntries = 0;
  let callLogEntries = 0;
  let index = 0;
  let callIndex = 0;
  const warnAt = (message: string): void => {
    handler.warning({ code: 'entry-skipped', message, line: 1, column: 1 });
  };
  /** The call-log agent's key-value data (calllog.ts): small, so read whole; damage is a warning. */
  const readCallLog = async (path: string, size: number, body: AsyncIterable<Buffer>): Promise<void> => {
    if (size > MAX_CALL_LOG_BYTES) {
      warnAt(`${path}: ${size} bytes is no call log; ignored`);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c);
    let entities;
    try {
      entities = keyValueEntities(Buffer.concat(chunks));
    } catch (e) {
      if (!(e instanceof CallLogDamage)) throw e;
      warnAt(`${path}: ${e.message}; its calls were not read`);
      return;
    }
    for (const { key, value } of entities) {
      if (value === null) continue;
      try {
        handler.record({ kind: 'call', attrs: callAttrs(key, value), position: { line: 1, column: 1, index: callIndex++ } });
      } catch (e) {
        if (!(e instanceof CallLogDamage)) throw e;
        handler.warning({ code: 'record-rejected', message: `${path}: call ${JSON.stringify(key)}: ${e.message}; skipped`, line: 1, column: 1 });
      }
    }
  };

  handler.header({
    content: 'messages',
    rootAttrs: [
      ['version', String(header.version)],
      ['compressed', header.compressed ? '1' : '0'],
      ['encryption', header.encryption === undefined ? 'none' : 'AES-256'],
    ],
  });
  const { tar, at } = payload(file, header, opts.masterKey, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
    opts.onBytes(chunk.length);
  });
  try {
    for await (const entry of tarEntries(counted(tar as AsyncIterable<Buffer>, (n) => opts.onExpanded?.(n)), (message, offset) => {
      warnAt(`${message} (byte ${offset} of the archive)`);
    })) {
      const path = safeEntryPath(entry.name);
      if (path === undefined) {
        // Never used, whatever it is named: it could only be meant to write outside the archive.
        warnAt(`entry ${JSON.stringify(entry.name.slice(0, 200))} points outside the archive; ignored`);
        continue;
      }
      const pkg = /^apps\/([^/]+)\//.exec(path)?.[1];
      if (pkg !== undefined) packages.add(pkg);
      else if (path.startsWith('shared/')) shared = true;
      if (entry.type === '5') continue;
      if (isCallLogEntry(path)) {
        callLogEntries++;
        await readCallLog(path, entry.size, entry.body());
        continue;
      }
      const kind = telephonyEntryKind(path);
      if (kind === undefined) continue;
      telephonyEntries++;
      const name = `${file}!${oneLine(path)}`;
      const progress = { at: 0 };
      try {
        const elementStats = await forEachObject(inflateEntry(entry.body(), progress), { file: name, salvage: opts.salvage, handler }, (o, el) => {
          const position = { line: el.line, column: el.column, index: index++ };
          handler.record(kind === 'sms' ? { kind: 'sms', attrs: smsAttrs(o), position } : mmsRecord(o, position));
        });
        stats.skipped += elementStats.skipped;
        if (elementStats.firstSkipped !== undefined) stats.firstSkipped ??= `${oneLine(path)}: ${elementStats.firstSkipped}`;
      } catch (e) {
        if (e instanceof TarDamageError) throw e;
        const what = describeStreamError(e, progress.at, 'entry');
        if (what === undefined) throw e;
        // The entry's own zlib data, not the file's: say which entry.
        throw new DamagedAndroidBackupError(file, `${oneLine(path)}: ${what}`);
      }
    }
  } catch (e) {
    if (e instanceof TarDamageError) throw new DamagedAndroidBackupError(file, `its archive is damaged at byte ${e.offset}: ${e.message}`);
    const what = describeStreamError(e, at(), 'file');
    if (what !== undefined) throw new DamagedAndroidBackupError(file, what);
    throw e;
  } finally {
    tar.destroy();
  }
  if (telephonyEntries === 0 && callLogEntries === 0) throw noMessages(file, packages, shared);
  stats.digest = { sha256: hash.digest('hex'), size };
  return stats;
}

/**
 * Up to `limit` characters of the first telephony entry's JSON (for the vault's region
 * inference), or '' when the file has none. Stops reading there.
 */
export async function sampleAndroidBackup(file: string, header: AbHeader, masterKey: MasterKey | undefined, limit: number): Promise<string> {
  const { tar } = payload(file, header, masterKey, () => undefined);
  try {
    for await (const entry of tarEntries(tar as AsyncIterable<Buffer>, () => undefined)) {
      const path = safeEntryPath(entry.name);
      if (path === undefined || telephonyEntryKind(path) === undefined) continue;
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const c of inflateEntry(entry.body())) {
        chunks.push(c);
        n += c.length;
        if (n >= limit) break;
      }
      return Buffer.concat(chunks).toString('utf8').slice(0, limit);
    }
    return '';
  } catch {
    // Damage is reported by the import itself; a sample is only a hint.
    return '';
  } finally {
    tar.destroy();
  }
}

/** An .ab without the telephony provider: what it holds, and that it has no messages. */
export function noMessages(file: string, packages: ReadonlySet<string>, shared: boolean): NotABackupError {
  const names = [...packages];
  const apps =
    names.length === 0
      ? 'no app data'
      : `the data of ${names.length} app${names.length === 1 ? '' : 's'} (${names.slice(0, MAX_PACKAGES_NAMED).join(', ')}${names.length > MAX_PACKAGES_NAMED ? ', ...' : ''})`;
  return new NotABackupError(
    file,
    `it is an Android backup holding ${apps}${shared ? ' and shared storage' : ''}, but not the telephony provider (${TELEPHONY_PACKAGE}): it has no messages. ` +
      `To back up messages this way: adb backup -f messages.ab ${TELEPHONY_PACKAGE} (and -keyvalue com.android.calllogbackup for the call log)`,
    'an Android backup with messages',
  );
}
