/**
 * Titanium Backup's message attributes -> the record model's provider columns (docs/formats.md
 * "Titanium Backup"). The app names things its own way: `msgBox="inbox"` for SMS `type` / MMS
 * `msg_box` 1, ISO 8601 UTC dates (`2014-01-02T10:00:00.000Z`) for epoch milliseconds,
 * `true`/`false` for the provider's 1/0, `type="retrieveConf"` for MMS `m_type` 132. Each known
 * attribute becomes its column with the provider's value, exactly (dates keep their
 * milliseconds); a value that does not map (an unknown box name, a date in another form) is kept
 * under the app's own name, as is every attribute the app wrote that has no column here.
 */
import type { Attr } from '../records.js';

/** SMS `type` and MMS `msg_box` codes by the app's box names. */
export const BOXES: Readonly<Record<string, number>> = { inbox: 1, sent: 2, draft: 3, drafts: 3, outbox: 4, failed: 5, queued: 6 };

/** MMS PDU types (`m_type`) by the app's names. */
export const PDU_TYPES: Readonly<Record<string, number>> = {
  sendReq: 128,
  sendConf: 129,
  notificationInd: 130,
  notifyRespInd: 131,
  retrieveConf: 132,
  acknowledgeInd: 133,
  deliveryInd: 134,
  readRecInd: 135,
  readOrigInd: 136,
};

/** MMS version attribute (`v`): 0x10, 0x11, 0x12. */
const VERSIONS: Readonly<Record<string, number>> = { '1.0': 16, '1.1': 17, '1.2': 18, '1.3': 19 };

/** MMS address `type` by the app's names. */
export const ADDRESS_TYPES: Readonly<Record<string, number>> = { from: 137, to: 151, cc: 130, bcc: 129 };

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds since the epoch of an ISO 8601 date with a zone, or undefined. */
export function isoToMs(value: string): number | undefined {
  const m = ISO.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = Number(((frac ?? '') + '000').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const result = utc - offset;
  return Number.isSafeInteger(result) ? result : undefined;
}

function flag(value: string): string | undefined {
  if (value === 'true') return '1';
  if (value === 'false') return '0';
  return undefined;
}

type Rule = (value: string) => [string, string] | undefined;

const date =
  (column: string, unit: 'ms' | 's'): Rule =>
  (v) => {
    const ms = isoToMs(v);
    if (ms === undefined) return undefined;
    return [column, unit === 'ms' ? String(ms) : String(Math.floor(ms / 1000))];
  };
const named =
  (column: string, codes: Readonly<Record<string, number>>): Rule =>
  (v) => {
    const code = codes[v];
    return code === undefined ? undefined : [column, String(code)];
  };
const bool =
  (column: string): Rule =>
  (v) => {
    const f = flag(v);
    return f === undefined ? undefined : [column, f];
  };
const same =
  (column: string): Rule =>
  (v) => [column, v];

const COMMON: Record<string, Rule> = {
  locked: bool('locked'),
  seen: bool('seen'),
  read: bool('read'),
  serviceCenter: same('service_center'),
  subject: same('subject'),
};

const SMS: Record<string, Rule> = {
  ...COMMON,
  msgBox: named('type', BOXES),
  date: date('date', 'ms'),
  dateSent: date('date_sent', 'ms'),
  address: same('address'),
};

const MMS: Record<string, Rule> = {
  ...COMMON,
  msgBox: named('msg_box', BOXES),
  // In the record model an MMS `date` is in milliseconds and its `date_sent` in seconds (as SBR).
  date: date('date', 'ms'),
  dateSent: date('date_sent', 's'),
  version: named('v', VERSIONS),
  type: named('m_type', PDU_TYPES),
  contentType: same('ct_t'),
  subject: same('sub'),
};

const PART: Record<string, Rule> = {
  order: same('seq'),
  contentType: same('ct'),
  name: same('name'),
  charset: same('chset'),
  contentId: same('cid'),
  contentLocation: same('cl'),
  contentDisposition: same('cd'),
  filename: same('fn'),
};

function mapped(attrs: readonly Attr[], rules: Record<string, Rule>, drop: readonly string[]): Attr[] {
  const out: Attr[] = [];
  for (const [name, value] of attrs) {
    if (drop.includes(name)) continue;
    const rule = rules[name];
    out.push(rule?.(value) ?? [name, value]);
  }
  return out;
}

/** An `<sms>`'s attributes (without `encoding`, which only says how its text is written). */
export const smsAttrs = (attrs: readonly Attr[]): Attr[] => mapped(attrs, SMS, ['encoding']);
export const mmsAttrs = (attrs: readonly Attr[]): Attr[] => mapped(attrs, MMS, []);
export const partAttrs = (attrs: readonly Attr[]): Attr[] => mapped(attrs, PART, ['encoding']);
