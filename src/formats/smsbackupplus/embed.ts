/**
 * The exact record inside a mail (header EMBED_HEADER): what SMS Backup+'s layout cannot hold
 * (attribute order and every attribute, "null" versus absent, part attributes, address rows,
 * damaged media), so a vault exported to a mailbox and read back is the same archive.
 */
import type { AddrRecord, Attr, Attrs, MediaDamage } from '../records.js';

export interface EmbeddedPart {
  a: Attrs;
  /** The part's media is the next attachment of the mail. */
  m?: 1;
  d?: MediaDamage;
  r?: string;
}

export interface Embedded {
  k: 'sms' | 'mms' | 'call';
  a: Attrs;
  /** MMS address rows; null when the record had no `<addrs>` at all. */
  d?: Attrs[] | null;
  p?: EmbeddedPart[];
}

/** Base64 lines of this many characters, folded as header continuation lines. */
const FOLD = 76;

export function encodeEmbedded(e: Embedded): string {
  const b64 = Buffer.from(JSON.stringify(e), 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += FOLD) lines.push(b64.slice(i, i + FOLD));
  return lines.join('\r\n ');
}

function isAttrs(v: unknown): v is Attr[] {
  return Array.isArray(v) && v.every((a) => Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'string');
}

function isRecordObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The embedded record, or undefined when the header is absent or not one we wrote. */
export function decodeEmbedded(value: string | undefined): Embedded | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecordObject(parsed) || !isAttrs(parsed.a)) return undefined;
  const k = parsed.k;
  if (k !== 'sms' && k !== 'mms' && k !== 'call') return undefined;
  const out: Embedded = { k, a: parsed.a };
  if (parsed.d === null) out.d = null;
  else if (Array.isArray(parsed.d)) {
    if (!parsed.d.every(isAttrs)) return undefined;
    out.d = parsed.d;
  }
  if (Array.isArray(parsed.p)) {
    const parts: EmbeddedPart[] = [];
    for (const x of parsed.p) {
      if (!isRecordObject(x) || !isAttrs(x.a)) return undefined;
      const part: EmbeddedPart = { a: x.a };
      if (x.m === 1) part.m = 1;
      if (x.d === 'empty' || x.d === 'corrupt') part.d = x.d;
      if (typeof x.r === 'string') part.r = x.r;
      parts.push(part);
    }
    out.p = parts;
  }
  return out;
}

export function addrRecords(d: Attrs[] | null | undefined): AddrRecord[] | null {
  return d === null || d === undefined ? null : d.map((attrs) => ({ attrs }));
}
