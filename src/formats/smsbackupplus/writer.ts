/**
 * Records -> RFC 822 mail in SMS Backup+'s layout (FORMATS.md section 2), built with nodemailer's
 * MIME composer: the app's headers and Message-ID scheme (so its restore and its duplicate check
 * recognise the mail), References for Gmail threading, `SMS with NAME` subjects, SMS and call
 * bodies as one text/plain part, MMS as multipart with text inline and media as attachments
 * (SMIL dropped, as the app drops it). The exact record rides along in EMBED_HEADER.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import MailComposer, { type MailComposerAttachment } from 'nodemailer/lib/mail-composer';
import { intOrNull, strOrNull } from '../fields.js';
import { attr, type ArchiveRecord, type CallRecord, type MmsRecord, type SmsRecord } from '../records.js';
import type { MediaSource } from '../sbr/writer.js';
import { isLayoutPart, isTextPart } from '../sbr/fields.js';
import { encodeEmbedded, type Embedded } from './embed.js';
import { callBody, EMBED_HEADER, H, ID_HEADER, references, smsBackupPlusMessageId, type DataType } from './headers.js';

export interface MailWriteContext {
  /** The mailbox owner's address: From on sent messages, To on received ones. */
  userAddress: string;
  /** The install reference of References headers (see headers.newReference). */
  reference: string;
  /** The thread part of References: the app uses the contact's id; see smsbackupplus-export. */
  thread: string;
  /** X-smssync-id when the record has no `_id` of its own. */
  fallbackId: string;
  media: MediaSource;
  /** Carry the exact record (default true). */
  embed?: boolean;
  backupTime?: Date;
  /** X-smssync-version; the app writes its version code. */
  version?: string;
}

export interface WrittenMail {
  raw: Buffer;
  messageId: string;
  datatype: DataType;
  /** The message's date, for the mailbox's internal date. */
  date: Date;
  seen: boolean;
}

const UNKNOWN_DOMAIN = 'unknown.email';
/** nodemailer capitalises header names; the app's restore looks them up as it wrote them. */
const EXACT_NAMES = new Map([...Object.values(H), EMBED_HEADER, ID_HEADER].map((n) => [n.toLowerCase(), n]));

/** Textvault's own id of a mail it wrote (header ID_HEADER): the record's identity, so a re-export finds it. */
export function mailIdentity(record: ArchiveRecord): string {
  const a = record.attrs;
  const key =
    record.kind === 'call'
      ? ['call', attr(a, 'number'), attr(a, 'date'), attr(a, 'type')]
      : record.kind === 'sms'
        ? ['sms', attr(a, 'address'), attr(a, 'date'), attr(a, 'type'), attr(a, 'body')]
        : ['mms', attr(a, 'address'), attr(a, 'date'), attr(a, 'msg_box'), ...record.parts.map((p) => `${attr(p.attrs, 'ct') ?? ''}:${attr(p.attrs, 'text') ?? ''}:${p.media?.sha256 ?? ''}`)];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

/** The Message-ID the app gives this record's mail (see headers.smsBackupPlusMessageId). */
export function messageIdOf(record: ArchiveRecord): string {
  const a = record.attrs;
  if (record.kind === 'sms') return smsBackupPlusMessageId(intOrNull(attr(a, 'date')) ?? 0, strOrNull(attr(a, 'address')), intOrNull(attr(a, 'type')) ?? 1);
  if (record.kind === 'call') return smsBackupPlusMessageId(intOrNull(attr(a, 'date')) ?? 0, strOrNull(attr(a, 'number')), intOrNull(attr(a, 'type')) ?? 1);
  const m = mmsKey(record);
  return smsBackupPlusMessageId(m.seconds * 1000, m.first, m.box);
}

function mmsKey(r: MmsRecord): { first: string | null; seconds: number; box: number; recipients: string[] } {
  const recipients = (strOrNull(attr(r.attrs, 'address')) ?? '').split('~').map((x) => x.trim()).filter((x) => x !== '');
  // The app's MMS date is in seconds; its Message-ID uses those seconds as milliseconds.
  const seconds = Math.floor((intOrNull(attr(r.attrs, 'date')) ?? 0) / 1000);
  const box = intOrNull(attr(r.attrs, 'msg_box')) ?? (intOrNull(attr(r.attrs, 'm_type')) === 128 ? 2 : 1);
  return { first: recipients[0] ?? null, seconds, box, recipients };
}

export async function writeMail(record: ArchiveRecord, ctx: MailWriteContext): Promise<WrittenMail> {
  if (record.kind === 'sms') return writeSms(record, ctx);
  if (record.kind === 'mms') return writeMms(record, ctx);
  return writeCall(record, ctx);
}

type HeaderMap = Record<string, string | { prepared: true; value: string }>;

function common(ctx: MailWriteContext, record: ArchiveRecord, datatype: DataType, address: string | null, embedded: Embedded): HeaderMap {
  const h: HeaderMap = {
    References: references(ctx.reference, ctx.thread),
    [H.address]: sanitize(address ?? ''),
    [H.datatype]: datatype,
    [H.backupTime]: gmtString(ctx.backupTime ?? new Date()),
    [H.version]: ctx.version ?? '1',
    [ID_HEADER]: mailIdentity(record),
  };
  if (ctx.embed !== false) h[EMBED_HEADER] = { prepared: true, value: encodeEmbedded(embedded) };
  return h;
}

function put(h: HeaderMap, name: string, value: string | undefined): void {
  if (value !== undefined) h[name] = sanitize(value);
}

/** Header values cannot hold line breaks; the app strips them the same way. */
function sanitize(value: string): string {
  return value.replace(/[\r\n]+/g, '');
}

function gmtString(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

function contact(name: string | null, number: string): { name: string; address: string } {
  const local = number.replace(/[^A-Za-z0-9+._-]/g, '') || 'unknown.number';
  return { name: name ?? number, address: `${local}@${UNKNOWN_DOMAIN}` };
}

function nameOf(attrs: SmsRecord['attrs']): string | null {
  const n = strOrNull(attr(attrs, 'contact_name'));
  return n === null || n === '' || n === '(Unknown)' ? null : n;
}

async function build(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  const raw = await new MailComposer(options).compile().build();
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1');
  const fixed = head.replace(/^([A-Za-z][A-Za-z0-9_-]*):/gm, (whole: string, name: string) => {
    const exact = EXACT_NAMES.get(name.toLowerCase());
    return exact === undefined ? whole : `${exact}:`;
  });
  return Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(head.length)]);
}

async function writeSms(r: SmsRecord, ctx: MailWriteContext): Promise<WrittenMail> {
  const address = strOrNull(attr(r.attrs, 'address'));
  const dateMs = intOrNull(attr(r.attrs, 'date')) ?? 0;
  const type = intOrNull(attr(r.attrs, 'type')) ?? 1;
  const h = common(ctx, r, 'SMS', address, { k: 'sms', a: r.attrs });
  put(h, H.id, attr(r.attrs, '_id') ?? ctx.fallbackId);
  put(h, H.type, attr(r.attrs, 'type'));
  put(h, H.date, attr(r.attrs, 'date'));
  put(h, H.thread, attr(r.attrs, 'thread_id'));
  put(h, H.read, attr(r.attrs, 'read'));
  put(h, H.status, attr(r.attrs, 'status'));
  put(h, H.protocol, attr(r.attrs, 'protocol'));
  put(h, H.serviceCenter, attr(r.attrs, 'service_center'));
  const them = contact(nameOf(r.attrs), address ?? '');
  const incoming = type === 1;
  const messageId = smsBackupPlusMessageId(dateMs, address, type);
  const body = strOrNull(attr(r.attrs, 'body')) ?? '';
  const raw = await build({
    from: incoming ? them : ctx.userAddress,
    to: incoming ? ctx.userAddress : them,
    subject: `SMS with ${them.name}`,
    text: body,
    // Base64 keeps a lone CR or trailing spaces exactly; quoted-printable would not.
    textEncoding: /\r(?!\n)|[ \t]$/m.test(body) ? 'base64' : 'quoted-printable',
    headers: h,
    messageId,
    date: new Date(dateMs),
  });
  return { raw, messageId, datatype: 'SMS', date: new Date(dateMs), seen: attr(r.attrs, 'read') !== '0' };
}

async function writeMms(r: MmsRecord, ctx: MailWriteContext): Promise<WrittenMail> {
  const { first, seconds, box, recipients } = mmsKey(r);
  const embedded: Embedded = {
    k: 'mms',
    a: r.attrs,
    d: r.addrs === null ? null : r.addrs.map((a) => a.attrs),
    p: r.parts.map((p) => ({ a: p.attrs, ...(p.media ? { m: 1 as const } : {}), ...(p.damage ? { d: p.damage } : {}), ...(p.rawData !== undefined ? { r: p.rawData } : {}) })),
  };
  const h = common(ctx, r, 'MMS', first, embedded);
  put(h, H.id, attr(r.attrs, '_id') ?? ctx.fallbackId);
  put(h, H.type, attr(r.attrs, 'm_type'));
  h[H.date] = String(seconds);
  put(h, H.thread, attr(r.attrs, 'thread_id'));
  put(h, H.read, attr(r.attrs, 'read'));
  const names = (nameOf(r.attrs) ?? '').split(', ');
  const people = recipients.map((n, i) => contact(recipients.length === names.length && names[i] !== '' ? (names[i] ?? null) : null, n));
  const incoming = box === 1;
  const attachments = r.parts.flatMap((p, i): MailComposerAttachment[] => {
    const ct = attr(p.attrs, 'ct');
    if (isLayoutPart(ct)) return [];
    if (isTextPart(ct) && p.media === undefined) {
      const text = strOrNull(attr(p.attrs, 'text'));
      return text === null ? [] : [{ content: text, contentType: 'text/plain; charset=utf-8', contentDisposition: 'inline', filename: false }];
    }
    const media = p.media;
    if (media === undefined) return [];
    const filename = [attr(p.attrs, 'cl'), attr(p.attrs, 'name'), attr(p.attrs, 'fn')].find((n) => n !== undefined && n !== '' && n !== 'null') ?? `part-${i}`;
    return [{ content: Readable.from(ctx.media.open(media.sha256)), contentType: ct ?? 'application/octet-stream', filename }];
  });
  const messageId = smsBackupPlusMessageId(seconds * 1000, first, box);
  const raw = await build({
    from: incoming ? (people[0] ?? contact(null, 'Unknown')) : ctx.userAddress,
    to: incoming ? ctx.userAddress : people.length > 0 ? people : [contact(null, 'Unknown')],
    subject: `MMS with ${people.map((p) => p.name).join(', ') || 'Unknown'}`,
    attachments,
    headers: h,
    messageId,
    date: new Date(seconds * 1000),
  });
  return { raw, messageId, datatype: 'MMS', date: new Date(seconds * 1000), seen: attr(r.attrs, 'read') !== '0' };
}

async function writeCall(r: CallRecord, ctx: MailWriteContext): Promise<WrittenMail> {
  const number = strOrNull(attr(r.attrs, 'number'));
  const dateMs = intOrNull(attr(r.attrs, 'date')) ?? 0;
  const type = intOrNull(attr(r.attrs, 'type')) ?? 1;
  const duration = intOrNull(attr(r.attrs, 'duration')) ?? 0;
  const h = common(ctx, r, 'CALLLOG', number, { k: 'call', a: r.attrs });
  put(h, H.id, attr(r.attrs, '_id') ?? ctx.fallbackId);
  put(h, H.type, attr(r.attrs, 'type'));
  put(h, H.date, attr(r.attrs, 'date'));
  h[H.duration] = String(duration);
  const them = contact(nameOf(r.attrs), number ?? '');
  const outgoing = type === 2;
  const messageId = smsBackupPlusMessageId(dateMs, number, type);
  const raw = await build({
    from: outgoing ? ctx.userAddress : them,
    to: outgoing ? them : ctx.userAddress,
    subject: `Call with ${them.name}`,
    text: callBody(type, number ?? '', duration),
    headers: h,
    messageId,
    date: new Date(dateMs),
  });
  return { raw, messageId, datatype: 'CALLLOG', date: new Date(dateMs), seen: true };
}
