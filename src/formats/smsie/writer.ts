/**
 * Writes records as SMS Import/Export files its importer restores (FORMATS.md section 3): a
 * `messages-*.zip` holding `messages.ndjson` (SMS lines first, then MMS, every value a string,
 * NULL columns omitted) and `data/` with one file per MMS media part, and a `calls-*.json`
 * array. Streaming: lines are produced as the ZIP writer pulls them, media are read from the
 * MediaSource one at a time when their entry is written.
 *
 * Each line also carries the record's exact attributes under `__textvault` when sms-ie's own
 * columns cannot say them (see mapping.ts), so importing the export gives back the same archive.
 */
import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import { verifiedMedia } from '../media-base64.js';
import type { CallRecord, MmsRecord, SmsRecord } from '../records.js';
import type { MediaSource } from '../sbr/writer.js';
import { attr } from '../records.js';
import { callObject, EMBED_KEY, embedFor, flatAttrs, mmsObject, mmsShape, partAttrs, smsObject } from './mapping.js';
import type { JsonObject } from '../json/values.js';


export interface SmsIeRecords {
  /** Called twice for MMS (the ndjson, then the data/ entries): must give the same records in the same order. */
  sms(): Iterable<SmsRecord>;
  mms(): Iterable<MmsRecord>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The file under data/ for part `part` of the `ordinal`-th MMS (deterministic, unique, safe). */
export function dataName(ordinal: number, part: number, attrs: MmsRecord['parts'][number]['attrs']): string {
  const label = [attr(attrs, 'cl'), attr(attrs, 'name'), attr(attrs, 'fn')].find((v) => v !== undefined && v !== 'null' && v !== '') ?? '';
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(label)?.[1];
  return `PART_${ordinal}_${part}${ext ? `.${ext.toLowerCase()}` : ''}`;
}

function dataNames(r: MmsRecord, ordinal: number): (string | undefined)[] {
  return r.parts.map((p, i) => (p.media !== undefined ? dataName(ordinal, i, p.attrs) : undefined));
}

export function smsLine(r: SmsRecord): string {
  const o = smsObject(r.attrs);
  if (!same(flatAttrs(o), r.attrs)) o[EMBED_KEY] = embedFor(r.attrs);
  return JSON.stringify(o);
}

export function mmsLine(r: MmsRecord, names: readonly (string | undefined)[]): string {
  const o = mmsObject(r.attrs, r.addrs, r.parts, names);
  const shape = mmsShape(o);
  const exact =
    same(shape.attrs, r.attrs) &&
    same(shape.addrs?.map((a) => a.attrs) ?? null, r.addrs?.map((a) => a.attrs) ?? null) &&
    shape.parts.length === r.parts.length &&
    shape.parts.every((p, i) => same(partAttrs(p), r.parts[i]?.attrs) && r.parts[i]?.damage === undefined);
  if (!exact) o[EMBED_KEY] = embedFor(r.attrs, r.addrs, r.parts);
  return JSON.stringify(o);
}

export function callElement(r: CallRecord): JsonObject {
  const o = callObject(r.attrs);
  if (!same(flatAttrs(o, 'display_name'), r.attrs)) o[EMBED_KEY] = embedFor(r.attrs);
  return o;
}

export interface SmsIeZipResult {
  /** The ZIP's bytes; errors (a damaged blob) are raised on this stream. */
  stream: Readable;
  /** Resolves with counts once the ZIP has been fully produced. */
  done: Promise<{ sms: number; mms: number; media: number }>;
}

export function smsIeZip(records: SmsIeRecords, media: MediaSource): SmsIeZipResult {
  const zip = new yazl.ZipFile();
  const counts = { sms: 0, mms: 0, media: 0 };
  const lines = function* (): Generator<Buffer> {
    let batch: string[] = [];
    for (const r of records.sms()) {
      batch.push(smsLine(r));
      counts.sms++;
      if (batch.length >= 256) {
        yield Buffer.from(batch.join('\n') + '\n');
        batch = [];
      }
    }
    let ordinal = 0;
    for (const r of records.mms()) {
      batch.push(mmsLine(r, dataNames(r, ordinal++)));
      counts.mms++;
      if (batch.length >= 64) {
        yield Buffer.from(batch.join('\n') + '\n');
        batch = [];
      }
    }
    if (batch.length > 0) yield Buffer.from(batch.join('\n') + '\n');
  };
  zip.addReadStreamLazy('messages.ndjson', { compress: true }, (cb) => {
    cb(null, Readable.from(lines()));
  });
  let ordinal = 0;
  for (const r of records.mms()) {
    const names = dataNames(r, ordinal++);
    r.parts.forEach((p, i) => {
      const name = names[i];
      const m = p.media;
      if (name === undefined || m === undefined) return;
      counts.media++;
      // Media are compressed already (JPEG, MP4...): stored, not deflated again.
      zip.addReadStreamLazy(`data/${name}`, { compress: false }, (cb) => {
        cb(null, Readable.from(verifiedMedia(media, m)));
      });
    });
  }
  zip.end();
  const stream = new PassThrough({ highWaterMark: 1 << 20 });
  zip.outputStream.pipe(stream);
  const done = new Promise<{ sms: number; mms: number; media: number }>((resolve, reject) => {
    zip.on('error', (e: Error) => {
      stream.destroy(e);
      reject(e);
    });
    stream.on('end', () => {
      resolve(counts);
    });
    stream.on('error', reject);
  });
  // The caller watches the stream; this promise only reports counts.
  done.catch(() => undefined);
  return { stream, done };
}

/** A calls-*.json array, one call per line. */
export function* callsJson(calls: Iterable<CallRecord>): Generator<Buffer> {
  let first = true;
  let batch: string[] = [];
  yield Buffer.from('[');
  for (const c of calls) {
    batch.push((first ? '\n' : ',\n') + JSON.stringify(callElement(c)));
    first = false;
    if (batch.length >= 256) {
      yield Buffer.from(batch.join(''));
      batch = [];
    }
  }
  batch.push(first ? ']\n' : '\n]\n');
  yield Buffer.from(batch.join(''));
}
