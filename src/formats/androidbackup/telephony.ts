/**
 * The telephony provider's backup files inside an Android backup (AOSP TelephonyBackupAgent,
 * FORMATS.md section 7.2) as records.
 *
 * `NNNNNN_sms_backup` and `NNNNNN_mms_backup` are zlib-deflated JSON arrays of up to 1,000
 * messages. Every provider column is a JSON string (null columns are left out); `recipients`
 * (the thread's addresses: the group) is an array of strings, `archived` a boolean. MMS are
 * text-only: `date` and `date_sent` in seconds, the addresses in `mms_addresses` (objects with
 * an int `type` and `charset`), the text in `mms_body` (the text parts concatenated) with
 * `mms_charset`; no media, no SMIL.
 *
 * Records follow the vault's model (records.ts): attributes in the file's order as strings, MMS
 * `date` in milliseconds (`date_sent` stays seconds, as in SBR), `recipients` joined with `~`
 * (SBR's group separator). An MMS gets one text/plain part holding `mms_body`.
 */
import type { RecordFields } from '../backup-unit.js';
import { strOrNull, type MessageFields } from '../fields.js';
import { scalarText, secondsToMs, isObject, type JsonObject } from '../json/values.js';
import { PROVIDER_FIELDS, providerMmsFields } from '../provider-fields.js';
import { attr, type AddrRecord, type Attr, type MmsRecord, type PartRecord, type SourcePosition } from '../records.js';

export { TELEPHONY_PACKAGE } from './packages.js';
/** `apps/<pkg>/<domain>/NNNNNN_sms_backup`: the agent backs up its files folder (`f`, or `d_f` for device-protected storage). */
const TELEPHONY_ENTRY = /^apps\/com\.android\.providers\.telephony\/(?:d_)?f\/(\d+)_(sms|mms)_backup$/;

export function telephonyEntryKind(path: string): 'sms' | 'mms' | undefined {
  const m = TELEPHONY_ENTRY.exec(path);
  return m === null ? undefined : m[2] === 'sms' ? 'sms' : 'mms';
}

const RECIPIENTS = 'recipients';
const MMS_ADDRESSES = 'mms_addresses';
const MMS_BODY = 'mms_body';
const MMS_CHARSET = 'mms_charset';
const SMIL = 'smil';

function value(k: string, v: unknown): string {
  if (k === RECIPIENTS && Array.isArray(v)) return v.map((x) => scalarText(x)).join('~');
  return scalarText(v);
}

export function smsAttrs(o: JsonObject): Attr[] {
  const attrs: Attr[] = [];
  for (const k in o) attrs.push([k, value(k, o[k])]);
  return attrs;
}

export function mmsRecord(o: JsonObject, position: SourcePosition): MmsRecord {
  const attrs: Attr[] = [];
  let addrs: AddrRecord[] | null = null;
  let body: string | undefined;
  let charset: string | undefined;
  let smil: string | undefined;
  for (const k in o) {
    const v = o[k];
    if (k === MMS_ADDRESSES && Array.isArray(v)) {
      addrs = v.filter(isObject).map((a) => ({ attrs: Object.keys(a).map((ak): Attr => [ak, scalarText(a[ak])]) }));
    } else if (k === MMS_BODY && typeof v === 'string') body = v;
    else if (k === MMS_CHARSET) charset = scalarText(v);
    else if (k === SMIL && typeof v === 'string') smil = v;
    else if (k === 'date') attrs.push(['date', secondsToMs(scalarText(v))]);
    else attrs.push([k, value(k, v)]);
  }
  const parts: PartRecord[] = [];
  // Only a restore file written by hand carries a SMIL layout; the agent never writes one.
  if (smil !== undefined) parts.push({ attrs: [['seq', '-1'], ['ct', 'application/smil'], ['text', smil]] });
  if (body !== undefined) {
    parts.push({ attrs: [['seq', '0'], ['ct', 'text/plain'], ...(charset !== undefined ? [['chset', charset] as Attr] : []), ['text', body]] });
  }
  return { kind: 'mms', attrs, parts, addrs, position };
}

/**
 * An MMS's other parties are the thread's `recipients` (what SBR writes as `address`, `~`-joined),
 * which the agent writes for every message in a thread; without them, the address rows as for
 * the other provider formats, less the owner's own number (`self_phone`) when the file names it.
 */
export function androidBackupMmsFields(r: MmsRecord): MessageFields {
  const f = providerMmsFields(r);
  const recipients = strOrNull(attr(r.attrs, RECIPIENTS));
  if (recipients === null || recipients.trim() === '') {
    const self = strOrNull(attr(r.attrs, 'self_phone'));
    if (self === null || !f.participants.includes(self)) return f;
    const keep = f.participants.map((p) => p !== self);
    return { ...f, participants: f.participants.filter((_p, i) => keep[i]), participantNames: f.participantNames.filter((_n, i) => keep[i]) };
  }
  const participants = recipients
    .split('~')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { ...f, participants, participantNames: participants.map(() => null) };
}

export const ANDROID_BACKUP_FIELDS: RecordFields = { ...PROVIDER_FIELDS, mms: androidBackupMmsFields };
