/**
 * Reads a Titanium Backup "messages to XML" file (FORMATS.md section 7.5, docs/formats.md
 * "Titanium Backup") into records, streaming (scanner.ts):
 *
 *   <threads count xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages">
 *     <thread address="a;b">
 *       <sms msgBox date dateSent locked seen read address serviceCenter encoding="plain|base64">text</sms>
 *       <mms msgBox version type contentType date ...>
 *         <addresses><address type="from|to">number</address></addresses>
 *         <part contentType order name encoding="plain|base64">data</part>
 *       </mms>
 *
 * Text that is not ASCII is written `encoding="base64"` (of its UTF-8), both as an SMS's body and
 * as a text part. A media part's base64 goes to the MediaSink as it arrives (never a whole
 * attachment in memory); text (bodies, text and SMIL parts, addresses) is held up to the record
 * limit. Attributes become the provider's columns (mapping.ts); an MMS gets its thread's address
 * (`;` -> `~`, what SBR writes) as `address`, and so does an SMS without one of its own.
 */
import type { ReadContext } from '../backup-unit.js';
import { NotABackupError } from '../errors.js';
import { ATTRIBUTE_OVERHEAD, DEFAULT_INPUT_LIMITS, ELEMENT_OVERHEAD, formatSize, LimitExceededError, type InputLimits } from '../limits.js';
import { attr, type AddrRecord, type Attr, type PartRecord, type ReadWarning, type SourcePosition, type WarningCode } from '../records.js';
import { Base64Stream } from '../sbr/base64-stream.js';
import { ADDRESS_TYPES, mmsAttrs, partAttrs, smsAttrs } from './mapping.js';
import { TitaniumScanner, type Position } from './scanner.js';

export const CREATOR = 'Titanium Backup';
const EXPECTED = 'a Titanium Backup messages XML file';

/** What a text-holding element collects. */
interface TextSink {
  /** The element's start, for errors. */
  at: Position;
  name: string;
  base64: boolean;
  /** Text held (bodies, text parts, addresses); null while streaming media. */
  pieces: string[] | null;
  stream: Base64Stream | null;
}

interface MmsDraft {
  attrs: Attr[];
  addrs: AddrRecord[] | null;
  parts: PartRecord[];
  position: SourcePosition;
}

/** Parts whose content is text in the record model (`text`), as in SBR; others are media. */
function isTextType(ct: string | undefined): boolean {
  const t = ct?.toLowerCase().split(';')[0]?.trim();
  return t === 'text/plain' || t === 'application/smil';
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

export async function readTitanium(source: AsyncIterable<Buffer>, name: string, ctx: ReadContext, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<{ skipped: number }> {
  const { handler } = ctx;
  /** Element names from the root down, local names. */
  const path: string[] = [];
  let skipDepth = 0;
  let threadAddress: string | undefined;
  let sink: TextSink | undefined;
  let sinkAttrs: Attr[] = [];
  let sinkPosition: SourcePosition | undefined;
  let mms: MmsDraft | undefined;
  let recordChars = 0;
  let smsIndex = 0;
  let mmsIndex = 0;
  let strayWarned = false;

  const warn = (code: WarningCode, message: string, at: Position): void => {
    const w: ReadWarning = { code, message, line: at.line, column: at.column };
    handler.warning(w);
  };
  const count = (chars: number, at: Position, what: string): void => {
    recordChars += chars;
    if (recordChars > limits.maxRecordChars) {
      throw new LimitExceededError(
        name,
        'maxRecordChars',
        `the <${what}> at ${at.line}:${at.column} holds more than ${formatSize(limits.maxRecordChars)} of text (streamed media not counted)`,
        formatSize(limits.maxRecordChars),
      );
    }
  };
  const recordStart = (): { at: Position; kind: string } | undefined => (mms !== undefined ? { at: mms.position, kind: 'mms' } : sink !== undefined ? { at: sink.at, kind: sink.name } : undefined);

  const openSink = (el: string, attrs: Attr[], at: Position, media: boolean): void => {
    const base64 = attr(attrs, 'encoding') === 'base64';
    sink = { at, name: el, base64, pieces: media && base64 ? null : [], stream: media && base64 ? new Base64Stream(ctx.sink) : null };
    sinkAttrs = attrs;
  };

  /** The text an element held, decoded when it was written as base64 of UTF-8. */
  const heldText = (s: TextSink): string => {
    const text = (s.pieces ?? []).join('');
    if (!s.base64) return text;
    const compact = text.replace(/[\t\n\r ]+/g, '');
    const bytes = Buffer.from(compact, 'base64');
    const pad = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
    if (compact.length % 4 !== 0 || bytes.length !== (compact.length / 4) * 3 - pad || /[-_]/.test(compact)) {
      warn('media-corrupt', `<${s.name}> says encoding="base64" but its text is not base64; kept as written`, s.at);
      return text;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      warn('invalid-utf8', `<${s.name}>'s base64 text is not UTF-8; invalid bytes replaced with U+FFFD`, s.at);
      return bytes.toString('utf8');
    }
  };

  const scanner = new TitaniumScanner(name, limits, {
    start: (raw, attrs, at, tagChars) => {
      const el = localName(raw);
      path.push(el);
      if (skipDepth > 0) {
        skipDepth++;
        return;
      }
      const parent = path.at(-2);
      if (parent === undefined) {
        if (el !== 'threads') throw new NotABackupError(name, `its root element is <${raw}>, not <threads>`, EXPECTED);
        handler.header({ content: 'messages', rootAttrs: attrs, creator: CREATOR });
        return;
      }
      const record = recordStart();
      if (record !== undefined) count(tagChars + ELEMENT_OVERHEAD + attrs.length * ATTRIBUTE_OVERHEAD, record.at, record.kind);
      if (parent === 'threads' && el === 'thread') {
        threadAddress = attr(attrs, 'address');
        return;
      }
      if (parent === 'thread' && el === 'sms') {
        recordChars = 0;
        count(tagChars + ELEMENT_OVERHEAD + attrs.length * ATTRIBUTE_OVERHEAD, at, 'sms');
        openSink('sms', attrs, at, false);
        sinkPosition = { line: at.line, column: at.column, index: smsIndex };
        return;
      }
      if (parent === 'thread' && el === 'mms') {
        recordChars = 0;
        count(tagChars + ELEMENT_OVERHEAD + attrs.length * ATTRIBUTE_OVERHEAD, at, 'mms');
        const mapped = mmsAttrs(attrs);
        if (attr(mapped, 'address') === undefined && threadAddress !== undefined) mapped.push(['address', threadAddress.split(';').join('~')]);
        mms = { attrs: mapped, addrs: null, parts: [], position: { line: at.line, column: at.column, index: mmsIndex } };
        return;
      }
      if (mms !== undefined && parent === 'mms' && el === 'addresses') {
        mms.addrs ??= [];
        return;
      }
      if (mms !== undefined && parent === 'addresses' && el === 'address') {
        openSink('address', attrs, at, false);
        return;
      }
      if (mms !== undefined && (parent === 'mms' || parent === 'parts') && el === 'part') {
        openSink('part', attrs, at, !isTextType(attr(attrs, 'contentType')));
        return;
      }
      if (mms !== undefined && parent === 'mms' && el === 'parts') return;
      warn('unknown-element', `<${raw}> is not part of a Titanium Backup messages file here; skipped`, at);
      skipDepth = 1;
    },
    end: (raw, at) => {
      const el = localName(raw);
      path.pop();
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      if (el === 'thread') threadAddress = undefined;
      else if (el === 'sms' && sink !== undefined) {
        const body = heldText(sink);
        const attrs = smsAttrs(sinkAttrs);
        if (attr(attrs, 'address') === undefined && threadAddress !== undefined) attrs.push(['address', threadAddress]);
        attrs.push(['body', body]);
        handler.record({ kind: 'sms', attrs, position: sinkPosition ?? { ...at, index: smsIndex } });
        smsIndex++;
        sink = undefined;
      } else if (el === 'address' && sink !== undefined && mms !== undefined) {
        const type = attr(sinkAttrs, 'type');
        const code = type === undefined ? undefined : ADDRESS_TYPES[type];
        const rest = sinkAttrs.filter((a) => a[0] !== 'type');
        mms.addrs ??= [];
        mms.addrs.push({ attrs: [['address', heldText(sink).trim()], ['type', code === undefined ? (type ?? '') : String(code)], ...rest] });
        sink = undefined;
      } else if (el === 'part' && sink !== undefined && mms !== undefined) {
        mms.parts.push(part(sink));
        sink = undefined;
      } else if (el === 'mms' && mms !== undefined) {
        handler.record({ kind: 'mms', attrs: mms.attrs, addrs: mms.addrs, parts: mms.parts, position: mms.position });
        mmsIndex++;
        mms = undefined;
      }
    },
    text: (text, at) => {
      if (skipDepth > 0) return;
      if (sink !== undefined) {
        if (sink.stream !== null) sink.stream.write(text);
        else {
          const record = recordStart();
          count(text.length, record?.at ?? at, record?.kind ?? sink.name);
          sink.pieces?.push(text);
        }
        return;
      }
      if (!strayWarned && /\S/.test(text)) {
        strayWarned = true;
        warn('stray-text', `text outside any message skipped: ${JSON.stringify(text.trim().slice(0, 40))}`, at);
      }
    },
    warning: (code, message, at) => {
      warn(code, message, at);
    },
  });

  function part(s: TextSink): PartRecord {
    const attrs = partAttrs(sinkAttrs);
    if (s.stream !== null) {
      const decoded = s.stream.finish();
      s.stream = null;
      attrs.push(['data', '']);
      const rec: PartRecord = { attrs };
      if (decoded.media !== undefined) rec.media = decoded.media;
      if (decoded.damage !== undefined) {
        rec.damage = decoded.damage;
        warn(decoded.damage === 'empty' ? 'media-empty' : 'media-corrupt', decoded.damage === 'empty' ? 'MMS part with empty data' : 'MMS part data is not valid base64; the decodable bytes were kept', s.at);
      }
      if (decoded.rawData !== undefined) rec.rawData = decoded.rawData;
      return rec;
    }
    const text = heldText(s);
    if (isTextType(attr(sinkAttrs, 'contentType'))) {
      attrs.push(['text', text]);
      return { attrs };
    }
    // Media written as plain text (a vCard, say): its UTF-8 bytes are the media.
    const w = ctx.sink.begin();
    w.write(Buffer.from(text, 'utf8'));
    attrs.push(['data', '']);
    return { attrs, media: w.finish() };
  }

  try {
    for await (const chunk of source) scanner.push(chunk);
    scanner.end();
  } catch (e) {
    sink?.stream?.abort();
    throw e;
  }
  return { skipped: 0 };
}
