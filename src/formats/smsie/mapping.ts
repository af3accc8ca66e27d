/**
 * SMS Import/Export objects <-> records (FORMATS.md section 3, docs/formats.md).
 *
 * Records use the Telephony provider's column names with the conventions of the vault's record
 * model (SBR's): MMS `date` in milliseconds, `"null"` for SQL NULL, the contact's name in
 * `contact_name`. sms-ie writes the provider's values as strings, MMS `date` in seconds, omits
 * NULL columns and names the contact `__display_name`. Every key an sms-ie line holds becomes an
 * attribute in its order, so an sms-ie file read and written again keeps what it had.
 *
 * What sms-ie cannot express (NULL versus absent, attribute order, `readable_date`, damaged media)
 * travels in one extra key, `__textvault`, holding the record's exact attributes. SMS
 * Import/Export's importer takes only the provider's own columns and ignores it; our reader uses
 * it only when it still matches the visible values (see embeddedRecord), so a file edited by hand
 * is read from what it shows.
 */
import type { AddrRecord, Attr, Attrs, MediaDamage, PartRecord } from '../records.js';
import { attr } from '../records.js';
import { isObject, msToSeconds, scalarText, secondsToMs, type JsonObject } from '../json/values.js';

export const EMBED_KEY = '__textvault';
export const DISPLAY_NAME = '__display_name';
export const SENDER = '__sender_address';
export const RECIPIENTS = '__recipient_addresses';
export const PARTS = '__parts';
/** Where the phone keeps MMS media; the last segment of `_data` names the file under `data/`. */
export const PART_DIR = '/data/user/0/com.android.providers.telephony/app_parts/';
const UNKNOWN_NAME = '(Unknown)';
/** SBR presentation values that are no provider column. */
const NOT_A_COLUMN = new Set(['readable_date']);
const MMS_ADDR_FROM = '137';

// ---- reading: object -> attributes ----

/** Attributes of an SMS line (or a call, with `display_name` as the name key). */
export function flatAttrs(o: JsonObject, nameKey = DISPLAY_NAME): Attr[] {
  const attrs: Attr[] = [];
  for (const k in o) {
    if (k === EMBED_KEY) continue;
    attrs.push([k === nameKey ? 'contact_name' : k, scalarText(o[k])]);
  }
  return attrs;
}

export interface MmsShape {
  attrs: Attr[];
  addrs: AddrRecord[] | null;
  parts: JsonObject[];
}

export function mmsShape(o: JsonObject): MmsShape {
  const attrs: Attr[] = [];
  let sender: AddrRecord | undefined;
  let recipients: AddrRecord[] | undefined;
  let parts: JsonObject[] = [];
  for (const k in o) {
    const v = o[k];
    if (k === EMBED_KEY) continue;
    if (k === SENDER && isObject(v)) sender = { attrs: flatAttrs(v, '') };
    else if (k === RECIPIENTS && Array.isArray(v)) recipients = v.filter(isObject).map((a) => ({ attrs: flatAttrs(a, '') }));
    else if (k === PARTS && Array.isArray(v)) parts = v.filter(isObject);
    else if (k === 'date') attrs.push(['date', secondsToMs(scalarText(v))]);
    else attrs.push([k === DISPLAY_NAME ? 'contact_name' : k, scalarText(v)]);
  }
  const addrs = sender === undefined && recipients === undefined ? null : [...(sender ? [sender] : []), ...(recipients ?? [])];
  return { attrs, addrs, parts };
}

export function partAttrs(p: JsonObject): Attr[] {
  return flatAttrs(p, '');
}

/** The file a part's `_data` names under `data/`, or undefined; throws on traversal. */
export function dataFileName(partAttributes: Attrs): string | undefined {
  const path = attr(partAttributes, '_data');
  if (path === undefined || path === '' || path === 'null') return undefined;
  const segments = path.split(/[/\\]/);
  if (segments.some((s) => s === '..') || path.includes('\u0000')) throw new Error(`_data path ${JSON.stringify(path)} climbs out of its folder`);
  const name = segments.at(-1) ?? '';
  return name === '' || name === '.' ? undefined : name;
}

// ---- writing: attributes -> object ----

function putAttrs(o: JsonObject, attrs: Attrs, opts: { dateSeconds?: boolean; nameKey?: string }): void {
  for (const [k, v] of attrs) {
    if (v === 'null' || NOT_A_COLUMN.has(k)) continue;
    if (k === 'contact_name' && opts.nameKey !== undefined) {
      if (v !== '' && v !== UNKNOWN_NAME) o[opts.nameKey] = v;
      continue;
    }
    o[k] = opts.dateSeconds === true && k === 'date' ? msToSeconds(v) : v;
  }
}

export function smsObject(attrs: Attrs): JsonObject {
  const o: JsonObject = {};
  putAttrs(o, attrs, { nameKey: DISPLAY_NAME });
  return o;
}

export function callObject(attrs: Attrs): JsonObject {
  const o: JsonObject = {};
  putAttrs(o, attrs, { nameKey: 'display_name' });
  return o;
}

/**
 * An MMS as an sms-ie line. `dataNames[i]` is the file under `data/` holding part i's media, or
 * undefined for parts without media.
 */
export function mmsObject(attrs: Attrs, addrs: AddrRecord[] | null, parts: readonly { attrs: Attrs }[], dataNames: readonly (string | undefined)[]): JsonObject {
  const o: JsonObject = {};
  putAttrs(o, attrs, { dateSeconds: true, nameKey: DISPLAY_NAME });
  if (addrs !== null) {
    const from = addrs.findIndex((a) => attr(a.attrs, 'type') === MMS_ADDR_FROM);
    if (from !== -1) o[SENDER] = addrObject(addrs[from]?.attrs ?? []);
    o[RECIPIENTS] = addrs.filter((_a, i) => i !== from).map((a) => addrObject(a.attrs));
  }
  o[PARTS] = parts.map((p, i) => {
    const po: JsonObject = {};
    for (const [k, v] of p.attrs) {
      if (v === 'null' || k === 'data' || k === '_data') continue;
      po[k] = v;
    }
    const name = dataNames[i];
    if (name !== undefined) po._data = PART_DIR + name;
    return po;
  });
  return o;
}

function addrObject(attrs: Attrs): JsonObject {
  const o: JsonObject = {};
  putAttrs(o, attrs, {});
  return o;
}

// ---- the exact record, for what sms-ie cannot say ----

export interface EmbeddedPart {
  a: Attrs;
  d?: MediaDamage;
  r?: string;
}

export interface Embedded {
  a: Attrs;
  d?: AddrRecord[] | null;
  p?: EmbeddedPart[];
}

function isAttrs(v: unknown): v is Attr[] {
  return Array.isArray(v) && v.every((a) => Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'string');
}

/** The embedded record of a line, when it is well-formed. */
export function readEmbedded(o: JsonObject): Embedded | undefined {
  const e = o[EMBED_KEY];
  if (!isObject(e) || !isAttrs(e.a)) return undefined;
  const out: Embedded = { a: e.a };
  if (e.d === null) out.d = null;
  else if (Array.isArray(e.d)) {
    const addrs: AddrRecord[] = [];
    for (const x of e.d) {
      if (!isObject(x) || !isAttrs(x.attrs)) return undefined;
      addrs.push({ attrs: x.attrs });
    }
    out.d = addrs;
  }
  if (Array.isArray(e.p)) {
    const parts: EmbeddedPart[] = [];
    for (const x of e.p) {
      if (!isObject(x) || !isAttrs(x.a)) return undefined;
      const part: EmbeddedPart = { a: x.a };
      if (x.d === 'empty' || x.d === 'corrupt') part.d = x.d;
      if (typeof x.r === 'string') part.r = x.r;
      parts.push(part);
    }
    out.p = parts;
  }
  return out;
}

/** Equality of two line objects as sms-ie sees them: `_data` paths and the embed aside. */
export function sameVisible(a: JsonObject, b: JsonObject): boolean {
  // Flat string values (every SMS, most of an MMS) compare directly; the rest as JSON.
  let nested = false;
  let count = 0;
  for (const k in a) {
    if (k === EMBED_KEY) continue;
    count++;
    const x = a[k];
    const y = b[k];
    if (typeof x === 'string') {
      if (x !== y) return false;
    } else nested = true;
  }
  for (const k in b) if (k !== EMBED_KEY) count--;
  if (count !== 0) return false;
  return !nested || stableVisible(a) === stableVisible(b);
}

function stableVisible(o: JsonObject): string {
  return JSON.stringify(o, (k, v: unknown) => (k === EMBED_KEY || k === '_data' ? undefined : v));
}

export function embedFor(attrs: Attrs, addrs?: AddrRecord[] | null, parts?: readonly PartRecord[]): Embedded {
  const e: Embedded = { a: attrs };
  if (addrs !== undefined) e.d = addrs === null ? null : addrs.map((x) => ({ attrs: x.attrs }));
  if (parts !== undefined) {
    e.p = parts.map((p) => ({ a: p.attrs, ...(p.damage ? { d: p.damage } : {}), ...(p.rawData !== undefined ? { r: p.rawData } : {}) }));
  }
  return e;
}
