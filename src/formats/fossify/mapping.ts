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
import { intOrNull } from '../fields.js';
import { msToSeconds, scalarText, secondsToMs, type JsonObject } from '../json/values.js';
import { mmsDirection } from '../sbr/fields.js';

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
  // In the Kotlin names an MMS's `status` is the `st` column (an SMS's `status` is `status`).
  const kotlin = 'messageBox' in o || 'messageType' in o || 'subscriptionId' in o;
  for (const k in o) {
    if (k === 'backupType' || k === 'addresses' || k === 'parts') continue;
    const name = kotlin && k === 'status' ? 'st' : column(k);
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

/**
 * Which keys to write. `kotlin`: the property names of Fossify's models, which its importer
 * (kotlinx.serialization, strict: an unknown key fails the import) expects, since the models'
 * `@SerializedName` annotations are Gson's and kotlinx ignores them. `columns`: the provider's
 * snake_case columns, as Simple SMS Messenger's Gson export wrote them (FORMATS.md section 4).
 */
export type FossifyKeys = 'kotlin' | 'columns';

const SMS_KOTLIN: Record<string, string> = { sub_id: 'subscriptionId', date_sent: 'dateSent', service_center: 'serviceCenter' };
const MMS_KOTLIN: Record<string, string> = {
  ct_t: 'contentType',
  d_rpt: 'deliveryReport',
  date_sent: 'dateSent',
  m_type: 'messageType',
  msg_box: 'messageBox',
  rr: 'readReport',
  text_only: 'textOnly',
  st: 'status',
  sub: 'subject',
  sub_cs: 'subjectCharSet',
  sub_id: 'subscriptionId',
  tr_id: 'transactionId',
};
const PART_KOTLIN: Record<string, string> = Object.fromEntries(Object.entries(PART_COLUMN_OF).map(([k, v]) => [v, k]));

function rename(o: JsonObject, names: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const k in o) out[names[k] ?? k] = o[k];
  return out;
}

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

export function smsElement(attrs: Attrs, keys: FossifyKeys = 'kotlin'): JsonObject {
  const o = fill(SMS_FIELDS, attrs);
  return { ...(keys === 'kotlin' ? rename(o, SMS_KOTLIN) : o), backupType: 'sms' };
}

const FROM = '137';
const TO = '151';
const OWNER = 'insert-address-token';

/**
 * The address rows of an MMS that has none (SMS Backup & Restore's `<mms>` without `<addrs>`),
 * made from its thread address (`a~b~c`) and direction. Fossify's MMS have no thread address: an
 * empty list would lose the conversation, in the app and when the file is read back. A sent
 * MMS went from the owner to every participant; a received one came from its only participant,
 * or, in a group, from one of them nobody recorded, so there every participant is a recipient and
 * none is named as the sender (docs/dedup.md, "Fossify").
 */
function threadAddresses(attrs: Attrs): AddrRecord[] {
  const others = threadMembers(attrs);
  if (others.length === 0) return [];
  const row = (address: string, type: string): AddrRecord => ({ attrs: [['address', address], ['type', type], ['charset', '106']] });
  if (mmsDirection(intOrNull(attr(attrs, 'msg_box')), intOrNull(attr(attrs, 'm_type'))) === 'out') return [row(OWNER, FROM), ...others.map((a) => row(a, TO))];
  const [only] = others;
  if (others.length === 1 && only !== undefined) return [row(only, FROM), row(OWNER, TO)];
  return [...others.map((a) => row(a, TO)), row(OWNER, TO)];
}

const CC = '130';

/**
 * The address rows, plus a copy row for each member of the thread address they do not name: a
 * group MMS's rows may list only its sender and the owner while `address` names the whole group
 * (`12345~+4915112345678`). Without them the conversation read back from Fossify's file would be
 * the sender's alone. Copied members count as participants whatever the direction.
 */
function withThreadMembers(addrs: AddrRecord[], attrs: Attrs): AddrRecord[] {
  const named = new Set(addrs.map((a) => attr(a.attrs, 'address')));
  const missing = threadMembers(attrs).filter((m) => !named.has(m));
  return missing.length === 0 ? addrs : [...addrs, ...missing.map((a): AddrRecord => ({ attrs: [['address', a], ['type', CC], ['charset', '106']] }))];
}

function threadMembers(attrs: Attrs): string[] {
  const thread = attr(attrs, 'address');
  if (thread === undefined || thread === 'null') return [];
  return thread
    .split('~')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

/** An MMS element; `data` of part i is `dataOf(i)` (base64 text, or a placeholder the writer streams). */
export function mmsElement(attrs: Attrs, addrs: AddrRecord[] | null, parts: readonly PartRecord[], dataOf: (i: number) => string | null, keys: FossifyKeys = 'kotlin'): JsonObject {
  const top = fill(MMS_FIELDS, attrs, { date: msToSeconds });
  return {
    ...(keys === 'kotlin' ? rename(top, MMS_KOTLIN) : top),
    addresses: (addrs === null || addrs.length === 0 ? threadAddresses(attrs) : withThreadMembers(addrs, attrs)).map((a) => ({
      address: value(a.attrs, 'address', 'str!', undefined),
      type: value(a.attrs, 'type', 'int', 151),
      charset: value(a.attrs, 'charset', 'int', 106),
    })),
    parts: parts.map((p, i) => {
      const part = { ...fill(PART_FIELDS, p.attrs), data: dataOf(i) };
      return keys === 'kotlin' ? rename(part, PART_KOTLIN) : part;
    }),
    backupType: 'mms',
  };
}
