/**
 * Google Voice pages -> the vault's records (FORMATS.md section 7.7, docs/formats.md), in the
 * shape of SMS Backup & Restore's records, so the vault reads them with SBR's field meanings and
 * an SBR export restores them to a phone:
 * - a one-to-one text without attachments is an SMS (`address`, `date` in ms, `type` 1 received /
 *   2 sent, `body`); with attachments, an MMS (`msg_box` 1/2, a text/plain part, one part per file);
 * - every message of a group conversation is an MMS whose `address` is the other participants
 *   `~`-joined (as SBR writes a group), with the sender (137) and recipients (151) as address rows;
 * - a call or voicemail is a call (`type` 1 received, 2 placed, 3 missed, 4 voicemail; `duration`
 *   in seconds), a voicemail's transcript in `transcript`.
 * Google Voice has no boxes but sent and received, no threads and no read state per message
 * (the page's "Unread" label applies to all of it). Every record keeps the page's time as written
 * (`gv_time`, ISO 8601 with the phone's offset), so the wall-clock time and zone survive.
 */
import type { Attr } from '../records.js';

/** The one form of time the pages use: `2024-05-22T21:48:32.703-07:00` (also `Z`, fewer fraction digits). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of a page's ISO time, or undefined when it is not one. */
export function timeMs(iso: string | undefined): number | undefined {
  if (iso === undefined || !ISO_TIME.test(iso)) return undefined;
  // Fractions beyond milliseconds are cut, not rounded, as Date.parse would not accept them all.
  const ms = Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Whole seconds of an ISO 8601 duration (`PT1M2S`), or undefined. */
export function durationSeconds(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const m = DURATION.exec(iso.trim());
  if (m === null) return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((v) => (v === undefined ? 0 : Number(v)));
  return Math.round((d ?? 0) * 86400 + (h ?? 0) * 3600 + (min ?? 0) * 60 + (s ?? 0));
}

export const CALL_TYPES = { received: 1, placed: 2, missed: 3, voicemail: 4 } as const;

/** The call type from the page's labels (`#missed`), else from its title ("Missed call from ..."); null when neither says. */
export function callType(labels: readonly string[], title: string): number | null {
  for (const [label, type] of Object.entries(CALL_TYPES)) if (labels.includes(label)) return type;
  const verb = /^(received|placed|missed|voicemail)\b/i.exec(title.trim())?.[1]?.toLowerCase();
  return verb === undefined ? null : CALL_TYPES[verb as keyof typeof CALL_TYPES];
}

export interface Counterpart {
  /** The address the vault threads by: a number, or a name when the Takeout gives no number. */
  address: string;
  name: string | null;
}

export interface MessageShape {
  out: boolean;
  dateMs: number;
  time: string;
  text: string;
  read: boolean;
}

export function smsAttrs(to: Counterpart, m: MessageShape): Attr[] {
  return [
    ['address', to.address],
    ['date', String(m.dateMs)],
    ['type', m.out ? '2' : '1'],
    ['body', m.text],
    ['read', m.read ? '1' : '0'],
    ...(to.name === null ? [] : [['contact_name', to.name] as Attr]),
    ['gv_time', m.time],
  ];
}

/** `address` of a conversation with these parties: SBR's `~`-joined group address, names `, `-joined. */
export function mmsAttrs(parties: readonly Counterpart[], m: MessageShape): Attr[] {
  const names = parties.map((p) => p.name ?? '(Unknown)');
  return [
    ['address', parties.map((p) => p.address).join('~')],
    ['date', String(m.dateMs)],
    ['msg_box', m.out ? '2' : '1'],
    ['m_type', m.out ? '128' : '132'],
    ['read', m.read ? '1' : '0'],
    ...(names.every((n) => n === '(Unknown)') ? [] : [['contact_name', names.join(', ')] as Attr]),
    ['gv_time', m.time],
  ];
}

export function textPartAttrs(text: string): Attr[] {
  return [
    ['seq', '0'],
    ['ct', 'text/plain'],
    ['chset', '106'],
    ['text', text],
  ];
}

export function mediaPartAttrs(contentType: string, name: string): Attr[] {
  return [
    ['seq', '0'],
    ['ct', contentType],
    ['cl', name],
  ];
}

export interface CallShape {
  number: string;
  name: string | null;
  dateMs: number;
  time: string;
  durationS: number;
  type: number | null;
  transcript: string | undefined;
}

export function callAttrs(c: CallShape): Attr[] {
  return [
    ['number', c.number],
    ['duration', String(c.durationS)],
    ['date', String(c.dateMs)],
    ['type', c.type === null ? 'null' : String(c.type)],
    ...(c.name === null ? [] : [['contact_name', c.name] as Attr]),
    ['gv_time', c.time],
    ...(c.transcript === undefined || c.transcript === '' ? [] : [['transcript', c.transcript] as Attr]),
  ];
}

/** An attachment name a page links to that is one plain file name (no folder, no climbing). */
export function isPlainName(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return name !== '.' && name !== '..' && !/[/\\\u0000-\u001f]/.test(name);
}
