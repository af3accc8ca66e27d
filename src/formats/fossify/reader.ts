/**
 * Reads a Fossify Messages JSON export element by element (json/array-elements.ts): the file is
 * never parsed whole, and each MMS part's inline base64 `data` is decoded into the MediaSink.
 */
import type { Element } from '../json/array-elements.js';
import { forEachObject, ElementError, type ElementStats } from '../json/element-reader.js';
import { isObject, type JsonObject } from '../json/values.js';
import { MAX_RAW_DAMAGED_DATA, type MediaSink, type PartRecord, type RecordHandler } from '../records.js';
import { addrAttrs, isMms, mmsTopAttrs, partColumn, smsAttrs } from './mapping.js';
import { scalarText } from '../json/values.js';

/**
 * Strict base64 (standard alphabet, padded), checked natively: Node's decoder skips characters
 * outside the alphabet and stops at a misplaced "=", so anything else decodes to fewer bytes.
 */
function isStrictBase64(text: string, decoded: Buffer): boolean {
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_')) return false;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return decoded.length === (text.length / 4) * 3 - pad;
}

export interface FossifyReadOptions {
  file: string;
  sink: MediaSink;
  handler: RecordHandler;
  salvage: boolean;
}

export async function readFossify(source: AsyncIterable<Buffer>, opts: FossifyReadOptions): Promise<ElementStats> {
  opts.handler.header({ content: 'messages', rootAttrs: [] });
  let index = 0;
  return forEachObject(source, opts, (o, el) => {
    if (isConversation(o)) {
      // Simple SMS Messenger before 5.19: one object per conversation, its SMS and MMS in arrays.
      const sms = Array.isArray(o.sms) ? o.sms : [];
      const mms = Array.isArray(o.mms) ? o.mms : [];
      if (!sms.every(isObject) || !mms.every(isObject)) throw new ElementError('has an SMS or MMS that is not an object');
      for (const m of sms) message({ ...m, backupType: 'sms' }, el);
      for (const m of mms) message({ ...m, backupType: 'mms' }, el);
      return;
    }
    message(o, el);
  });

  function message(o: JsonObject, el: Element): void {
    const position = { line: el.line, column: el.column, index: index };
    if (!isMms(o)) {
      opts.handler.record({ kind: 'sms', attrs: smsAttrs(o), position });
    } else {
      const parts = Array.isArray(o.parts) ? o.parts : [];
      const addrs = Array.isArray(o.addresses) ? o.addresses : [];
      if (!parts.every(isObject) || !addrs.every(isObject)) throw new ElementError('has a part or address that is not an object');
      opts.handler.record({
        kind: 'mms',
        attrs: mmsTopAttrs(o),
        addrs: addrs.map((a) => ({ attrs: addrAttrs(a) })),
        parts: parts.map((p) => part(p, opts, el.line, el.column)),
        position,
      });
    }
    index++;
  }
}

/** An element of Simple SMS Messenger's export before 5.19: `{"sms": [...], "mms": [...]}`. */
export function isConversation(o: JsonObject): boolean {
  return !('backupType' in o) && (Array.isArray(o.sms) || Array.isArray(o.mms)) && !('address' in o) && !('date' in o);
}

function part(p: JsonObject, opts: FossifyReadOptions, line: number, column: number): PartRecord {
  const rec: PartRecord = { attrs: [] };
  const attrs: [string, string][] = [];
  for (const k in p) {
    const v = p[k];
    if (k !== 'data') {
      attrs.push([partColumn(k), scalarText(v)]);
      continue;
    }
    if (v === null || v === undefined) continue;
    // The placeholder keeps data's place among the attributes, as the SBR reader does.
    attrs.push(['data', '']);
    const text = typeof v === 'string' ? v : scalarText(v);
    if (text === '') {
      rec.damage = 'empty';
      opts.handler.warning({ code: 'media-empty', message: 'MMS part with empty data', line, column });
      continue;
    }
    const bytes = Buffer.from(text, 'base64');
    const w = opts.sink.begin();
    w.write(bytes);
    rec.media = w.finish();
    if (!isStrictBase64(text, bytes)) {
      rec.damage = 'corrupt';
      if (text.length <= MAX_RAW_DAMAGED_DATA) rec.rawData = text;
      opts.handler.warning({ code: 'media-corrupt', message: 'MMS part data is not valid base64; the decodable bytes were kept', line, column });
    }
  }
  rec.attrs = attrs;
  return rec;
}
