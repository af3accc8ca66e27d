/**
 * Fossify Messages (formerly Simple SMS Messenger) JSON <-> records (FORMATS.md section 4,
 * docs/formats.md).
 *
 * One array; each element is an SMS or MMS (`backupType`). Values are typed JSON (numbers for
 * the integer columns, strings or null for the others) and MMS `date` is in seconds. Records use
 * the provider's column names, so the snake_case keys are the attribute names; the Kotlin
 * property names a kotlinx-serialization export writes (`subscriptionId`, `dateSent`, ...) are
 * read too and mapped to the same columns.
 *
 * Fossify's importer decodes with a strict schema (unknown keys are an error), so unlike sms-ie
 * no extra key can carry what the format cannot hold: a Fossify export keeps each message's
 * identity (date, parties, text, media) and the columns Fossify has, nothing else.
 */
import type { AddrRecord, Attr, Attrs, PartRecord } from '../records.js';
import { attr } from '../records.js';
import { msToSeconds, scalarText, secondsToMs, type JsonObject } from '../json/values.js';

/** Kotlin property name -> provider column (and Fossify's snake_case key). */
const COLUMN_OF: Record<string, string> = {
  subscriptionId: 'sub_id',
  dateSent: 'date_sent',
  serviceCenter: 'service_center',
  contentType: 'ct_t',
  deliveryReport: 'd_rpt',
  messageType: 'm_type',
  messageBox: 'msg_box',
  readReport: 'rr',
  textOnly: 'text_only',
  subject: 'sub',
  subjectCharSet: 'sub_cs',
  transactionId: 'tr_id',
};
const PART_COLUMN_OF: Record<string, string> = {
  contentDisposition: 'cd',
  charset: 'chset',
  contentId: 'cid',
  contentLocation: 'cl',
  contentType: 'ct',
  ctStart: 'ctt_s',
  ctType: 'ctt_t',
  filename: 'fn',
  sequenceOrder: 'seq',
};

export const column = (key: string): string => COLUMN_OF[key] ?? key;
export const partColumn = (key: string): string => PART_COLUMN_OF[key] ?? key;

export function isMms(o: JsonObject): boolean {
  if (o.backupType === 'mms') return true;
  if (o.backupType === 'sms') return false;
  return Array.isArray(o.parts) || 'msg_box' in o || 'messageBox' in o;
}

export function smsAttrs(o: JsonObject): Attr[] {
  const attrs: Attr[] = [];
  for (const k in o) if (k !== 'backupType') attrs.push([column(k), scalarText(o[k])]);
  return attrs;
}

export function mmsTopAttrs(o: JsonObject): Attr[] {
  const attrs: Attr[] = [];
  for (const k in o) {
    if (k === 'backupType' || k === 'addresses' || k === 'parts') continue;
    const name = column(k);
    const v = scalarText(o[k]);
    attrs.push([name, name === 'date' ? secondsToMs(v) : v]);
  }
  return attrs;
}

export function addrAttrs(o: JsonObject): Attr[] {
  const attrs: Attr[] = [];
  for (const k in o) attrs.push([k, scalarText(o[k])]);
  return attrs;
}

// ---- writing ----

type Kind = 'int' | 'str' | 'str!';
const SMS_FIELDS: [string, Kind, number?][] = [
  ['sub_id', 'int', -1],
  ['address', 'str!'],
  ['body', 'str'],
  ['date', 'int', 0],
  ['date_sent', 'int', 0],
  ['locked', 'int', 0],
  ['protocol', 'str'],
  ['read', 'int', 0],
  ['status', 'int', -1],
  ['type', 'int', 1],
  ['service_center', 'str'],
];
const MMS_FIELDS: [string, Kind, number?][] = [
  ['creator', 'str'],
  ['ct_t', 'str'],
  ['d_rpt', 'int', 129],
  ['date', 'int', 0],
  ['date_sent', 'int', 0],
  ['locked', 'int', 0],
  ['m_type', 'int', 132],
  ['msg_box', 'int', 1],
  ['read', 'int', 0],
  ['rr', 'int', 129],
  ['seen', 'int', 0],
  ['text_only', 'int', 0],
  ['st', 'str'],
  ['sub', 'str'],
  ['sub_cs', 'str'],
  ['sub_id', 'int', -1],
  ['tr_id', 'str'],
];
const PART_FIELDS: [string, Kind, number?][] = [
  ['cd', 'str'],
  ['chset', 'str'],
  ['cid', 'str'],
  ['cl', 'str'],
  ['ct', 'str!'],
  ['ctt_s', 'str'],
  ['ctt_t', 'str'],
  ['fn', 'str'],
  ['name', 'str'],
  ['seq', 'int', 0],
  ['text', 'str'],
];

function value(attrs: Attrs, name: string, kind: Kind, fallback: number | undefined, transform?: (v: string) => string): string | number | null {
  const raw = attr(attrs, name);
  const v = raw === undefined || raw === 'null' ? undefined : transform ? transform(raw) : raw;
  if (kind === 'int') {
    const n = v === undefined ? NaN : Number(v);
    return Number.isSafeInteger(n) ? n : (fallback ?? 0);
  }
  if (v === undefined) return kind === 'str!' ? '' : null;
  return v;
}

function fill(fields: [string, Kind, number?][], attrs: Attrs, transform: Record<string, (v: string) => string> = {}): JsonObject {
  const o: JsonObject = {};
  for (const [name, kind, fallback] of fields) o[name] = value(attrs, name, kind, fallback, transform[name]);
  return o;
}

export function smsElement(attrs: Attrs): JsonObject {
  return { backupType: 'sms', ...fill(SMS_FIELDS, attrs) };
}

/** An MMS element; `data` of part i is `dataOf(i)` (base64 text, or a placeholder the writer streams). */
export function mmsElement(attrs: Attrs, addrs: AddrRecord[] | null, parts: readonly PartRecord[], dataOf: (i: number) => string | null): JsonObject {
  return {
    backupType: 'mms',
    ...fill(MMS_FIELDS, attrs, { date: msToSeconds }),
    addresses: (addrs ?? []).map((a) => ({
      address: value(a.attrs, 'address', 'str!', undefined),
      type: value(a.attrs, 'type', 'int', 151),
      charset: value(a.attrs, 'charset', 'int', 106),
    })),
    parts: parts.map((p, i) => ({ ...fill(PART_FIELDS, p.attrs), data: dataOf(i) })),
  };
}
