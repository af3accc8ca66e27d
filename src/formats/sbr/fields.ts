/**
 * What SMS Backup & Restore attributes mean (FORMATS.md section 1).
 */
import { attr, type CallRecord, type MmsRecord, type SmsRecord } from '../records.js';
import { intOrNull, strOrNull, type CallFields, type Direction, type MediaRef, type MessageFields } from '../fields.js';

const UNKNOWN_NAME = '(Unknown)';
/** On sent MMS the app writes this placeholder instead of the owner's number. */
const ADDRESS_TOKEN = 'insert-address-token';

function smsDirection(type: number | null): Direction {
  if (type === 1) return 'in';
  if (type !== null && type >= 2 && type <= 6) return 'out';
  return 'unknown';
}

export function mmsDirection(box: number | null, mType: number | null): Direction {
  if (box === 1) return 'in';
  if (box !== null && box >= 2 && box <= 5) return 'out';
  if (mType === 128) return 'out';
  if (mType === 130 || mType === 132) return 'in';
  return 'unknown';
}

function names(contactName: string | undefined, count: number): (string | null)[] {
  const raw = strOrNull(contactName);
  const known = raw !== null && raw !== '' && raw !== UNKNOWN_NAME;
  // One participant: the array as a literal (fill() is a call into the runtime).
  if (count === 1) return [known ? raw : null];
  const out: (string | null)[] = new Array<string | null>(count).fill(null);
  if (!known) return out;
  // Group MMS join names with ", "; only trust them when they line up with the addresses.
  const parts = raw.split(', ');
  if (parts.length === count) parts.forEach((p, i) => (out[i] = p === UNKNOWN_NAME ? null : p));
  return out;
}

export function smsFields(r: SmsRecord): MessageFields {
  const address = strOrNull(attr(r.attrs, 'address'));
  const box = intOrNull(attr(r.attrs, 'type'));
  const participants = address === null || address === '' ? [] : [address];
  return {
    kind: 'sms',
    dateMs: intOrNull(attr(r.attrs, 'date')) ?? undefined,
    dateSentMs: intOrNull(attr(r.attrs, 'date_sent')),
    direction: smsDirection(box),
    box,
    address,
    participants,
    participantNames: names(attr(r.attrs, 'contact_name'), participants.length),
    text: strOrNull(attr(r.attrs, 'body')) ?? '',
    read: intOrNull(attr(r.attrs, 'read')),
    media: [],
  };
}

export function isLayoutPart(ct: string | undefined): boolean {
  return ct?.toLowerCase() === 'application/smil';
}

export function isTextPart(ct: string | undefined): boolean {
  return ct?.toLowerCase() === 'text/plain';
}

export function mmsFields(r: MmsRecord): MessageFields {
  const address = strOrNull(attr(r.attrs, 'address'));
  const box = intOrNull(attr(r.attrs, 'msg_box'));
  const direction = mmsDirection(box, intOrNull(attr(r.attrs, 'm_type')));
  let participants: string[];
  if (address !== null && address.trim() !== '') {
    participants = address.split('~').map((a) => a.trim()).filter((a) => a !== '');
  } else {
    // No address attribute: fall back to the address rows, the other side of the message.
    const rows = (r.addrs ?? []).map((a) => ({ address: attr(a.attrs, 'address'), type: intOrNull(attr(a.attrs, 'type')) }));
    const wanted = direction === 'in' ? [137] : direction === 'out' ? [151, 130, 129] : [137, 151, 130, 129];
    participants = rows
      .filter((a) => a.type !== null && wanted.includes(a.type) && a.address !== undefined && a.address !== ADDRESS_TOKEN)
      .map((a) => a.address ?? '')
      .filter((a) => a !== '' && a !== 'null');
  }
  const texts: string[] = [];
  const media: MediaRef[] = [];
  for (const p of r.parts) {
    const ct = attr(p.attrs, 'ct');
    if (isLayoutPart(ct)) continue;
    if (isTextPart(ct) && p.media === undefined) {
      const t = strOrNull(attr(p.attrs, 'text'));
      if (t !== null) texts.push(t);
      continue;
    }
    if (p.media !== undefined && p.damage === undefined) media.push({ sha256: p.media.sha256 });
    else if (p.damage !== undefined) media.push({ damage: p.damage === 'empty' ? 'empty' : `corrupt:${p.rawData ?? p.media?.sha256 ?? ''}` });
  }
  const dateSentS = intOrNull(attr(r.attrs, 'date_sent'));
  return {
    kind: 'mms',
    // MMS `date` is in milliseconds in this format; `date_sent` is in seconds.
    dateMs: intOrNull(attr(r.attrs, 'date')) ?? undefined,
    dateSentMs: dateSentS === null ? null : dateSentS * 1000,
    direction,
    box,
    address,
    participants,
    participantNames: names(attr(r.attrs, 'contact_name'), participants.length),
    text: texts.join('\n'),
    read: intOrNull(attr(r.attrs, 'read')),
    media,
  };
}

export function callFields(r: CallRecord): CallFields {
  const name = strOrNull(attr(r.attrs, 'contact_name'));
  return {
    number: strOrNull(attr(r.attrs, 'number')),
    dateMs: intOrNull(attr(r.attrs, 'date')) ?? undefined,
    durationS: intOrNull(attr(r.attrs, 'duration')),
    type: intOrNull(attr(r.attrs, 'type')),
    contactName: name === null || name === '' || name === UNKNOWN_NAME ? null : name,
  };
}
