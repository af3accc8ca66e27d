/**
 * Writes SMS and call logs as Super Backup & Restore files (`<allsms>` / `<alllogs>`), which the
 * app restores: its prolog, one element per line, its attributes in its order.
 *
 * A record read from a Super Backup file (it has `time` and no SBR `protocol`) is written with
 * every attribute it had, in its order, so a round trip gives back what the file held. A record
 * from another format is mapped: `name` from `contact_name`, `dur` from `duration`, `time` made
 * from `date` in the app's style ("3 Sep 2012 16:06:30", this machine's time zone), `new` 0.
 * Values are escaped as XML (newlines and tabs as character references, which a conforming
 * parser and this reader turn back into newlines and tabs).
 */
import { escapeValue } from '../sbr/xml-escape.js';
import { attr, type Attr, type Attrs, type CallRecord, type SmsRecord } from '../records.js';
import { LOG_ATTRS, SMS_ATTRS } from './scanner.js';

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Lines collected before a write: one Buffer per ~256 KB instead of one per record. */
const BATCH_CHARS = 256 * 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The display time the app writes beside `date`: "3 Sep 2012 16:06:30", local time. */
export function displayTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()] ?? ''} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** True when a record came from a Super Backup file: written back exactly. */
export function isSuperBackupRecord(attrs: Attrs): boolean {
  return attr(attrs, 'time') !== undefined && attr(attrs, 'protocol') === undefined;
}

function timeOf(attrs: Attrs): string {
  const date = Number(attr(attrs, 'date'));
  return Number.isFinite(date) ? displayTime(date) : '';
}

function knownName(attrs: Attrs): string {
  const name = attr(attrs, 'contact_name') ?? '';
  return name === '(Unknown)' || name === 'null' ? '' : name;
}

function smsAttrs(attrs: Attrs): Attrs {
  if (isSuperBackupRecord(attrs)) return attrs;
  const from: Record<(typeof SMS_ATTRS)[number], string> = {
    address: attr(attrs, 'address') ?? '',
    time: timeOf(attrs),
    date: attr(attrs, 'date') ?? '',
    type: attr(attrs, 'type') ?? '',
    body: attr(attrs, 'body') ?? '',
    read: attr(attrs, 'read') ?? '1',
    service_center: attr(attrs, 'service_center') ?? 'null',
    name: knownName(attrs),
  };
  return SMS_ATTRS.map((n): Attr => [n, from[n]]);
}

function logAttrs(attrs: Attrs): Attrs {
  if (isSuperBackupRecord(attrs)) return attrs;
  const from: Record<(typeof LOG_ATTRS)[number], string> = {
    number: attr(attrs, 'number') ?? '',
    time: timeOf(attrs),
    date: attr(attrs, 'date') ?? '',
    type: attr(attrs, 'type') ?? '',
    name: knownName(attrs),
    new: attr(attrs, 'new') ?? '0',
    dur: attr(attrs, 'dur') ?? attr(attrs, 'duration') ?? '0',
  };
  return LOG_ATTRS.map((n): Attr => [n, from[n]]);
}

function element(name: string, attrs: Attrs, onReplaced: (code: number) => void): string {
  let line = `<${name}`;
  for (const [n, v] of attrs) line += ` ${n}="${escapeValue(v, false, onReplaced)}"`;
  return `${line} />\n`;
}

function* document(root: string, count: number, lines: Iterable<string>): Generator<Buffer> {
  let out = `${PROLOG}<${root} count="${count}">\n`;
  for (const line of lines) {
    out += line;
    if (out.length >= BATCH_CHARS) {
      yield Buffer.from(out, 'utf8');
      out = '';
    }
  }
  yield Buffer.from(`${out}</${root}>\n`, 'utf8');
}

/**
 * `<allsms>`: `count` must be the number of records `sms` yields (the app checks it).
 * `onReplaced` hears of characters XML cannot hold (C0 controls), written as U+FFFD.
 */
export function superBackupSmsXml(sms: Iterable<SmsRecord>, count: number, onReplaced: (code: number) => void): Generator<Buffer> {
  return document('allsms', count, (function* () {
    for (const r of sms) yield element('sms', smsAttrs(r.attrs), onReplaced);
  })());
}

/** `<alllogs>`, as superBackupSmsXml. */
export function superBackupCallsXml(calls: Iterable<CallRecord>, count: number, onReplaced: (code: number) => void): Generator<Buffer> {
  return document('alllogs', count, (function* () {
    for (const r of calls) yield element('log', logAttrs(r.attrs), onReplaced);
  })());
}
