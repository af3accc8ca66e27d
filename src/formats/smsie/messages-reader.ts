/**
 * Reads SMS Import/Export's messages.ndjson: one JSON object per line, SMS and MMS, streamed line
 * by line; each MMS part's media is pulled from `data/<last segment of _data>` through `media`
 * and streamed into the MediaSink.
 */
import { MalformedBackupError } from '../errors.js';
import { isObject, type JsonObject } from '../json/values.js';
import { LineTooLongError, readLines } from '../json/lines.js';
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
}

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
  try {
    for await (const { text, line } of readLines(source)) {
      if (text.trim() === '') continue;
      stats.lines++;
      try {
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch (e) {
          throw new LineError(`is not valid JSON (${(e as Error).message})`);
        }
        if (!isObject(o)) throw new LineError('is not a JSON object');
        const position = { line, column: 1, index: index };
        const record = PARTS in o || 'msg_box' in o ? await readMms(o, position, opts) : readSms(o, position);
        index++;
        handler.record(record);
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        const reason = `line ${line} ${e.message}`;
        if (!opts.salvage) throw new MalformedBackupError(opts.file, line, 1, `${reason}; fix or delete that line, or import with --salvage to skip it`);
        stats.skipped++;
        stats.firstSkipped ??= reason;
        handler.warning({ code: 'line-skipped', message: `${reason}; skipped`, line, column: 1 });
      }
    }
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

async function readMms(o: JsonObject, position: MmsRecord['position'], opts: SmsIeMessagesOptions): Promise<MmsRecord> {
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
      const bytes = await opts.media(name);
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
