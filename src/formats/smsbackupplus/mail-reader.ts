/**
 * One SMS Backup+ mail (RFC 822 bytes) -> one record, in the vault's record model (SBR's
 * attribute conventions: MMS `date` in milliseconds, `contact_name` for the name). The mail's own
 * headers map to the message's fields (FORMATS.md section 2); MIME attachments stream into the
 * MediaSink, so a large video is hashed and stored without being held in memory. Mail that is not
 * from SMS Backup+ (no X-smssync-datatype) is reported as skipped, not as an error.
 */
import { Readable } from 'node:stream';
import { MailParser, type AddressObject, type AttachmentStream, type EmailAddress, type Headers, type MessageText } from 'mailparser';
import { MalformedBackupError } from '../errors.js';
import { strOrNull } from '../fields.js';
import { attr, type ArchiveRecord, type Attr, type Attrs, type MediaSink, type PartRecord, type SourcePosition, type StoredMedia } from '../records.js';
import { addrRecords, decodeEmbedded, type Embedded } from './embed.js';
import { EMBED_HEADER, H, smsBackupPlusMessageId, type DataType } from './headers.js';

export interface MailContext {
  /** For errors: the file (and mail) being read. */
  name: string;
  sink: MediaSink;
  position: SourcePosition;
}

export type MailOutcome = { kind: 'record'; record: ArchiveRecord } | { kind: 'skipped'; reason: string; subject: string };

interface ReadAttachment {
  contentType: string;
  filename: string | undefined;
  contentId: string | undefined;
  media: StoredMedia;
}

interface ParsedMail {
  headers: Headers;
  text: string | undefined;
  attachments: ReadAttachment[];
}

/** Unknown contacts get `<number>@unknown.email` as their address. */
const UNKNOWN_DOMAIN = '@unknown.email';
const MMS_SENT = 128;
const MMS_RECEIVED = [130, 132];
const MS_THRESHOLD = 100_000_000_000;

export async function readMail(input: Buffer | Readable, ctx: MailContext): Promise<MailOutcome> {
  let datatype: DataType | undefined;
  const parsed = await parse(input, ctx, (headers) => {
    const t = headerText(headers, H.datatype)?.trim().toUpperCase();
    datatype = t === 'SMS' || t === 'MMS' || t === 'CALLLOG' ? t : undefined;
    // Only SMS Backup+ mail has media worth storing.
    return datatype !== undefined;
  });
  const subject = headerText(parsed.headers, 'subject') ?? '';
  if (datatype === undefined) {
    const raw = headerText(parsed.headers, H.datatype);
    return { kind: 'skipped', reason: raw === undefined ? 'not an SMS Backup+ mail (no X-smssync-datatype header)' : `unknown X-smssync-datatype ${JSON.stringify(raw)}`, subject };
  }
  const embedded = decodeEmbedded(headerText(parsed.headers, EMBED_HEADER.toLowerCase()));
  const record =
    datatype === 'SMS' ? smsRecord(parsed, embedded, ctx) : datatype === 'MMS' ? mmsRecord(parsed, embedded, ctx) : callRecord(parsed, embedded, ctx);
  return { kind: 'record', record };
}

function parse(input: Buffer | Readable, ctx: MailContext, keepMedia: (headers: Headers) => boolean): Promise<ParsedMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, checksumAlgo: false });
    let headers: Headers = new Map();
    let keep = false;
    let text: string | undefined;
    const attachments: ReadAttachment[] = [];
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      const reason = e instanceof Error ? e.message : String(e);
      reject(new MalformedBackupError(ctx.name, ctx.position.line, ctx.position.column, `damaged mail: ${reason}`));
    };
    parser.on('headers', (h: Headers) => {
      headers = h;
      keep = keepMedia(h);
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        if (typeof data.text === 'string') text = data.text;
        return;
      }
      storeAttachment(data, keep ? ctx.sink : undefined, attachments, fail);
    });
    parser.on('error', fail);
    parser.on('end', () => {
      if (!failed) resolve({ headers, text, attachments });
    });
    const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
    // The source failing (a dropped connection) is not damage in the mail: pass it on as it is.
    source.on('error', (e: Error) => {
      if (failed) return;
      failed = true;
      parser.destroy();
      reject(e);
    });
    source.pipe(parser);
  });
}

function storeAttachment(a: AttachmentStream, sink: MediaSink | undefined, into: ReadAttachment[], fail: (e: unknown) => void): void {
  const writer = sink?.begin();
  a.content.on('data', (chunk: Buffer) => {
    writer?.write(chunk);
  });
  a.content.on('error', (e: Error) => {
    writer?.abort();
    fail(e);
  });
  a.content.on('end', () => {
    if (writer !== undefined) {
      into.push({ contentType: a.contentType, filename: a.filename, contentId: a.cid ?? a.contentId, media: writer.finish() });
    }
    a.release?.();
  });
}

// ---- headers ----

function headerText(headers: Headers, name: string): string | undefined {
  const v = headers.get(name.toLowerCase());
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const first: unknown = v[0];
    return typeof first === 'string' ? first : undefined;
  }
  if (v instanceof Date) return v.toISOString();
  if ('text' in v && typeof v.text === 'string') return v.text;
  if ('value' in v && typeof v.value === 'string') return v.value;
  return undefined;
}

function addresses(headers: Headers, name: 'from' | 'to'): EmailAddress[] {
  const v = headers.get(name);
  if (v === undefined || typeof v === 'string' || v instanceof Date) return [];
  const list = (Array.isArray(v) ? v : [v]) as unknown[];
  const out: EmailAddress[] = [];
  for (const o of list) {
    if (typeof o === 'object' && o !== null && 'value' in o && Array.isArray((o as AddressObject).value)) out.push(...flatten((o as AddressObject).value));
  }
  return out;
}

function flatten(list: EmailAddress[]): EmailAddress[] {
  return list.flatMap((a) => (a.group ? flatten(a.group) : [a]));
}

/** The date header in milliseconds: ms for SMS and calls, seconds for MMS (or ms when it is that big). */
function dateMs(parsed: ParsedMail, datatype: DataType): number | undefined {
  const raw = headerText(parsed.headers, H.date)?.trim();
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  if (Number.isSafeInteger(n)) return datatype === 'MMS' && n < MS_THRESHOLD ? n * 1000 : n;
  const d = parsed.headers.get('date');
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.getTime() : undefined;
}

/** The contact's name as the mail shows it, when it is a name and not just the number. */
function contactName(party: EmailAddress | undefined, address: string | undefined): string | undefined {
  const name = party?.name.trim() ?? '';
  if (name === '' || name === address || name === 'Unknown') return undefined;
  // "Name (number)" style: keep the name.
  const m = /^(.*) \(([^()]*)\)$/.exec(name);
  if (m !== null && (m[2] === address || address === undefined)) return m[1];
  return name;
}

/** The number an `<number>@unknown.email` address stands for. */
function numberOf(a: EmailAddress): string | undefined {
  const address = a.address ?? '';
  return address.toLowerCase().endsWith(UNKNOWN_DOMAIN) ? address.slice(0, -UNKNOWN_DOMAIN.length) : undefined;
}

function push(attrs: Attr[], name: string, value: string | undefined): void {
  if (value !== undefined) attrs.push([name, value]);
}

/** The type code whose Message-ID the app would have computed for this mail, if any. */
function typeFromMessageId(parsed: ParsedMail, date: number, address: string | undefined, candidates: number[]): number | undefined {
  const id = headerText(parsed.headers, 'message-id')?.trim();
  if (id === undefined) return undefined;
  return candidates.find((t) => smsBackupPlusMessageId(date, address ?? null, t) === id);
}

/** The embedded record, when it still says what the visible headers say. */
function agrees(e: Embedded | undefined, kind: Embedded['k'], checks: [string, string | undefined][]): e is Embedded {
  if (e?.k !== kind) return false;
  return checks.every(([name, visible]) => visible === undefined || attr(e.a, name) === visible);
}

// ---- records ----

function smsRecord(parsed: ParsedMail, e: Embedded | undefined, ctx: MailContext): ArchiveRecord {
  const address = headerText(parsed.headers, H.address);
  const date = dateMs(parsed, 'SMS');
  const body = smsBody(parsed.text);
  if (agrees(e, 'sms', [['address', address], ['date', date === undefined ? undefined : String(date)]]) && normalizeBody(strOrNull(attr(e.a, 'body')) ?? '') === normalizeBody(body)) {
    return { kind: 'sms', attrs: e.a, position: ctx.position };
  }
  let type = headerText(parsed.headers, H.type);
  if (type === undefined && date !== undefined) type = typeFromMessageId(parsed, date, address, [1, 2, 3, 4, 5, 6])?.toString();
  const incoming = type === '1';
  const party = incoming ? addresses(parsed.headers, 'from')[0] : addresses(parsed.headers, 'to')[0];
  const attrs: Attr[] = [];
  push(attrs, 'protocol', headerText(parsed.headers, H.protocol));
  push(attrs, 'address', address);
  push(attrs, 'date', date?.toString());
  push(attrs, 'type', type);
  attrs.push(['body', body]);
  push(attrs, 'service_center', headerText(parsed.headers, H.serviceCenter));
  push(attrs, 'read', headerText(parsed.headers, H.read));
  push(attrs, 'status', headerText(parsed.headers, H.status));
  push(attrs, 'contact_name', contactName(party, address));
  return { kind: 'sms', attrs, position: ctx.position };
}

/** The text/plain body; the line break that ends every mail body is not part of the SMS. */
function smsBody(text: string | undefined): string {
  if (text === undefined) return '';
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Mail transport turns every line break into CRLF and mailboxes add or drop the final one;
 * compare bodies without those differences.
 */
function normalizeBody(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

function mmsRecord(parsed: ParsedMail, e: Embedded | undefined, ctx: MailContext): ArchiveRecord {
  const address = headerText(parsed.headers, H.address);
  const date = dateMs(parsed, 'MMS');
  if (agrees(e, 'mms', []) && e.p !== undefined && sameSecond(attr(e.a, 'date'), date)) {
    const parts = embeddedParts(e, parsed.attachments);
    if (parts !== undefined) return { kind: 'mms', attrs: e.a, parts, addrs: addrRecords(e.d), position: ctx.position };
  }
  const mType = headerText(parsed.headers, H.type);
  const from = addresses(parsed.headers, 'from');
  const to = addresses(parsed.headers, 'to');
  let box: number | undefined = date === undefined ? undefined : typeFromMessageId(parsed, date, address, [1, 2, 3, 4, 5]);
  if (box === undefined && mType !== undefined) {
    if (Number(mType) === MMS_SENT) box = 2;
    else if (MMS_RECEIVED.includes(Number(mType))) box = 1;
  }
  const incoming = box === 1;
  // A sent group MMS lists every recipient in To; their numbers survive for unknown contacts.
  const recipients = incoming ? [] : to.map(numberOf).filter((n): n is string => n !== undefined && n !== '');
  const addressAttr = recipients.length > 1 ? recipients.join('~') : address;
  const party = incoming ? from[0] : to[0];
  const attrs: Attr[] = [];
  push(attrs, 'date', date?.toString());
  push(attrs, 'msg_box', box?.toString());
  push(attrs, 'address', addressAttr);
  push(attrs, 'm_type', mType);
  push(attrs, 'read', headerText(parsed.headers, H.read));
  push(attrs, 'contact_name', recipients.length > 1 ? undefined : contactName(party, address));
  const parts: PartRecord[] = [];
  if (parsed.text !== undefined && parsed.text !== '') parts.push({ attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', parsed.text]] });
  for (const a of parsed.attachments) {
    const partAttrs: Attr[] = [['seq', String(parts.length)], ['ct', a.contentType]];
    push(partAttrs, 'name', a.filename);
    push(partAttrs, 'cid', a.contentId === undefined ? undefined : `<${a.contentId}>`);
    push(partAttrs, 'cl', a.filename);
    parts.push({ attrs: partAttrs, media: a.media });
  }
  return { kind: 'mms', attrs, parts, addrs: null, position: ctx.position };
}

function sameSecond(embedded: string | undefined, visibleMs: number | undefined): boolean {
  if (visibleMs === undefined) return true;
  const n = Number(embedded);
  return Number.isSafeInteger(n) && Math.floor(n / 1000) === Math.floor(visibleMs / 1000);
}

/** The embedded parts with the mail's attachments as their media, in order; undefined if they disagree. */
function embeddedParts(e: Embedded, attachments: ReadAttachment[]): PartRecord[] | undefined {
  const parts = e.p ?? [];
  if (parts.filter((p) => p.m === 1).length !== attachments.length) return undefined;
  let next = 0;
  return parts.map((p) => {
    const part: PartRecord = { attrs: p.a };
    if (p.m === 1) part.media = attachments[next++]?.media;
    if (p.d !== undefined) part.damage = p.d;
    if (p.r !== undefined) part.rawData = p.r;
    return part;
  });
}

function callRecord(parsed: ParsedMail, e: Embedded | undefined, ctx: MailContext): ArchiveRecord {
  const number = headerText(parsed.headers, H.address);
  const date = dateMs(parsed, 'CALLLOG');
  if (agrees(e, 'call', [['number', number], ['date', date === undefined ? undefined : String(date)]])) {
    return { kind: 'call', attrs: e.a, position: ctx.position };
  }
  const type = headerText(parsed.headers, H.type);
  const outgoing = type === '2';
  const party = outgoing ? addresses(parsed.headers, 'to')[0] : addresses(parsed.headers, 'from')[0];
  const attrs: Attr[] = [];
  push(attrs, 'number', number);
  push(attrs, 'duration', headerText(parsed.headers, H.duration));
  push(attrs, 'date', date?.toString());
  push(attrs, 'type', type);
  push(attrs, 'contact_name', contactName(party, number));
  return { kind: 'call', attrs: attrs satisfies Attrs, position: ctx.position };
}
