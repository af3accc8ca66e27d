/**
 * Reads SMS Import/Export's messages.ndjson: one JSON object per line, SMS and MMS, streamed line
 * by line; each MMS part's media is pulled from `data/<last segment of _data>` through `media`
 * and streamed into the MediaSink.
 */
import { MalformedBackupError } from '../errors.js';
import { JsonParseError, parseJson } from '../json/parse.js';
import { isObject, type JsonObject } from '../json/values.js';
import { LineTooLongError, readLines, type Line } from '../json/lines.js';
import type { AddrRecord, Attrs, MediaSink, MmsRecord, PartRecord, RecordHandler, SmsRecord } from '../records.js';
import { dataFileName, flatAttrs, mmsObject, mmsShape, partAttrs, PARTS, readEmbedded, sameVisible, smsObject } from './mapping.js';

export interface SmsIeMessagesOptions {
  /** Display name for messages: `file.zip!messages.ndjson`. */
  file: string;
  sink: MediaSink;
  handler: RecordHandler;
  salvage: boolean;
  /** The bytes of `data/<name>`, or undefined when the archive has no such file. */
  media(name: string): Promise<AsyncIterable<Buffer> | undefined>;
  /** The size of `data/<name>` when known: small files are fetched ahead, several at a time. */
  mediaSize?(name: string): number | undefined;
}

/** Lines parsed ahead of the one being delivered, so their media can be fetched concurrently. */
const BATCH_LINES = 256;
const PREFETCH_MAX_FILE = 4 << 20;
const PREFETCH_MAX_BATCH = 32 << 20;
const PREFETCH_CONCURRENCY = 8;

export interface SmsIeReadStats {
  lines: number;
  skipped: number;
  firstSkipped?: string;
}

class LineError extends Error {}

export async function readSmsIeMessages(source: AsyncIterable<Buffer>, opts: SmsIeMessagesOptions): Promise<SmsIeReadStats> {
  const stats: SmsIeReadStats = { lines: 0, skipped: 0 };
  const { handler } = opts;
  handler.header({ content: 'messages', rootAttrs: [] });
  let index = 0;
  const handleBatch = async (batch: Line[]): Promise<void> => {
    const parsed = batch.map(({ text, line }) => {
      try {
        return { line, o: parseJson(text) };
      } catch (e) {
        if (!(e instanceof JsonParseError)) throw e;
        return { line, error: e.message };
      }
    });
    const prefetched = prefetch(parsed, opts);
    for (const p of parsed) {
      try {
        if ('error' in p) throw new LineError(p.error);
        const o = p.o;
        if (!isObject(o)) throw new LineError('is not a JSON object');
        const position = { line: p.line, column: 1, index: index };
        const record = PARTS in o || 'msg_box' in o ? await readMms(o, position, opts, prefetched) : readSms(o, position);
        index++;
        handler.record(record);
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        const reason = `line ${p.line} ${e.message}`;
        if (!opts.salvage) throw new MalformedBackupError(opts.file, p.line, 1, `${reason}; fix or delete that line, or import with --salvage to skip it`);
        stats.skipped++;
        stats.firstSkipped ??= reason;
        handler.warning({ code: 'line-skipped', message: `${reason}; skipped`, line: p.line, column: 1 });
      }
    }
  };
  try {
    let batch: Line[] = [];
    for await (const l of readLines(source)) {
      if (l.text.trim() === '') continue;
      stats.lines++;
      batch.push(l);
      if (batch.length >= BATCH_LINES) {
        await handleBatch(batch);
        batch = [];
      }
    }
    await handleBatch(batch);
  } catch (e) {
    if (e instanceof LineTooLongError) throw new MalformedBackupError(opts.file, e.line, 1, e.message);
    throw e;
  }
  return stats;
}

function readSms(o: JsonObject, position: SmsRecord['position']): SmsRecord {
  let attrs: Attrs = flatAttrs(o);
  const e = readEmbedded(o);
  if (e !== undefined && e.p === undefined && sameVisible(smsObject(e.a), o)) attrs = e.a;
  return { kind: 'sms', attrs, position };
}

type Prefetched = Map<string, Promise<Buffer | undefined>>;

/**
 * Starts reading the small media files the MMS lines of a batch name, a few at a time, so that
 * opening many small ZIP entries overlaps instead of waiting one after another.
 */
function prefetch(parsed: ({ o: unknown } | { error: string })[], opts: SmsIeMessagesOptions): Prefetched {
  const out: Prefetched = new Map();
  if (opts.mediaSize === undefined) return out;
  const names: string[] = [];
  const seen = new Set<string>();
  let budget = PREFETCH_MAX_BATCH;
  for (const p of parsed) {
    if (!('o' in p) || !isObject(p.o)) continue;
    const parts = p.o[PARTS];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (!isObject(part)) continue;
      let name: string | undefined;
      try {
        name = dataFileName(partAttrs(part));
      } catch {
        continue;
      }
      const size = name === undefined ? undefined : opts.mediaSize(name);
      if (name === undefined || size === undefined || size > PREFETCH_MAX_FILE || size > budget || seen.has(name)) continue;
      budget -= size;
      names.push(name);
      seen.add(name);
    }
  }
  let next = 0;
  const slots: Promise<void>[] = [];
  const results = new Map<string, { resolve: (b: Buffer | undefined) => void; reject: (e: unknown) => void }>();
  for (const name of names) {
    out.set(
      name,
      new Promise<Buffer | undefined>((resolve, reject) => {
        results.set(name, { resolve, reject });
      }),
    );
  }
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] ?? '';
      const done = results.get(name);
      try {
        const bytes = await opts.media(name);
        if (bytes === undefined) done?.resolve(undefined);
        else {
          const chunks: Buffer[] = [];
          for await (const c of bytes) chunks.push(c);
          done?.resolve(Buffer.concat(chunks));
        }
      } catch (e) {
        done?.reject(e);
      }
    }
  };
  for (let k = 0; k < PREFETCH_CONCURRENCY; k++) slots.push(worker());
  // Failures surface where the media is used; unused rejections must not crash the process.
  for (const p of out.values()) p.catch(() => undefined);
  void Promise.all(slots);
  return out;
}

async function mediaOf(name: string, opts: SmsIeMessagesOptions, prefetched: Prefetched): Promise<AsyncIterable<Buffer> | undefined> {
  const ahead = prefetched.get(name);
  if (ahead === undefined) return opts.media(name);
  const bytes = await ahead;
  if (bytes === undefined) return undefined;
  return (async function* () {
    yield await Promise.resolve(bytes);
  })();
}

async function readMms(o: JsonObject, position: MmsRecord['position'], opts: SmsIeMessagesOptions, prefetched: Prefetched): Promise<MmsRecord> {
  const shape = mmsShape(o);
  const parts: PartRecord[] = [];
  const names: (string | undefined)[] = [];
  for (const p of shape.parts) {
    const attrs = partAttrs(p);
    let name: string | undefined;
    try {
      name = dataFileName(attrs);
    } catch (e) {
      throw new LineError(`has an unsafe part: ${(e as Error).message}`);
    }
    names.push(name);
    const part: PartRecord = { attrs };
    if (name !== undefined) {
      const bytes = await mediaOf(name, opts, prefetched);
      if (bytes === undefined) {
        part.damage = 'empty';
        opts.handler.warning({ code: 'media-empty', message: `MMS part names data/${name}, which is not in the archive`, line: position.line, column: 1 });
      } else {
        const w = opts.sink.begin();
        try {
          for await (const chunk of bytes) w.write(chunk);
        } catch (e) {
          w.abort();
          throw e;
        }
        part.media = w.finish();
      }
    }
    parts.push(part);
  }
  let attrs: Attrs = shape.attrs;
  let addrs: AddrRecord[] | null = shape.addrs;
  const e = readEmbedded(o);
  if (e?.p !== undefined && e.d !== undefined && e.p.length === parts.length && sameVisible(mmsObject(e.a, e.d, e.p.map((p) => ({ attrs: p.a })), names), o)) {
    attrs = e.a;
    addrs = e.d;
    e.p.forEach((ep, i) => {
      const part = parts[i];
      if (part === undefined) return;
      part.attrs = ep.a;
      if (ep.d !== undefined) part.damage = ep.d;
      else delete part.damage;
      if (ep.r !== undefined) part.rawData = ep.r;
    });
  }
  return { kind: 'mms', attrs, parts, addrs, position };
}
