/**
 * Entity and character references in attribute values. Only the five predefined entities and
 * numeric references exist here: backups carry no DTD, so any other name is an error.
 */

/** Longest text between `&` and `;` we look at (`#x0010FFFF` with some leading zeros). */
export const MAX_REFERENCE_LENGTH = 32;

/** A value holds a malformed or undefined reference; `offset` is the index of its `&`. */
export class EntityError extends Error {
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(reason);
  }
}

export type EntityWarning = 'lone-surrogate' | 'nul-character';

export type EntityWarn = (code: EntityWarning, offset: number, message: string) => void;

/**
 * The code point of the reference whose text (without `&` and `;`) is `text[start, end)`, or -1
 * when it is not one.
 */
export function referenceCode(text: string, start: number, end: number): number {
  if (text.charCodeAt(start) !== 35 /* # */) return namedEntity(text, start, end);
  const hex = text.charCodeAt(start + 1) === 120; /* x */
  let i = hex ? start + 2 : start + 1;
  if (i >= end) return -1;
  let code = 0;
  for (; i < end; i++) {
    const digit = digitValue(text.charCodeAt(i), hex);
    if (digit < 0) return -1;
    code = code * (hex ? 16 : 10) + digit;
    if (code > 0x10ffff) return -1;
  }
  return code;
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (!hex) return -1;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function namedEntity(text: string, start: number, end: number): number {
  switch (end - start) {
    case 2:
      if (text.startsWith('lt', start)) return 60;
      if (text.startsWith('gt', start)) return 62;
      return -1;
    case 3:
      return text.startsWith('amp', start) ? 38 : -1;
    case 4:
      if (text.startsWith('quot', start)) return 34;
      if (text.startsWith('apos', start)) return 39;
      return -1;
    default:
      return -1;
  }
}

/** Where the `;` ending the reference at `amp` is, or -1 when there is none close enough. */
export function referenceEnd(text: string, amp: number): number {
  const semi = text.indexOf(';', amp + 1);
  return semi === -1 || semi - amp > MAX_REFERENCE_LENGTH ? -1 : semi;
}

export function undefinedEntity(text: string, amp: number, semi: number): EntityError {
  const shown = semi === -1 ? text.slice(amp, amp + 12) : text.slice(amp, semi + 1);
  const reason =
    semi === -1
      ? `undefined entity: "${shown}" is not a reference ending in ";" (write & as &amp;)`
      : `undefined entity "${shown}"`;
  return new EntityError(amp, reason);
}

const REPLACEMENT = '\uFFFD';

/**
 * Replaces the references in `raw`. Older SMS Backup & Restore versions wrote characters beyond
 * the BMP as two references to UTF-16 surrogates (`&#55357;&#56832;`): a high one directly
 * followed by a low one makes one character; any other surrogate becomes U+FFFD, as does `&#0;`.
 */
export function decodeEntities(raw: string, warn: EntityWarn): string {
  let out = '';
  let last = 0;
  let high = -1;
  let highAt = 0;
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', last)) {
    const semi = referenceEnd(raw, amp);
    const code = semi === -1 ? -1 : referenceCode(raw, amp + 1, semi);
    if (code < 0) throw undefinedEntity(raw, amp, semi);
    const isLow = code >= 0xdc00 && code <= 0xdfff;
    if (high >= 0 && (amp !== last || !isLow)) {
      out += loneSurrogate(high, highAt, warn);
      high = -1;
    }
    out += raw.slice(last, amp);
    last = semi + 1;
    if (code >= 0xd800 && code <= 0xdbff) {
      high = code;
      highAt = amp;
    } else if (isLow) {
      out += high >= 0 ? String.fromCharCode(high, code) : loneSurrogate(code, amp, warn);
      high = -1;
    } else if (code === 0) {
      warn('nul-character', amp, 'character reference &#0; replaced with U+FFFD');
      out += REPLACEMENT;
    } else {
      out += String.fromCodePoint(code);
    }
  }
  if (high >= 0) out += loneSurrogate(high, highAt, warn);
  return out + raw.slice(last);
}

function loneSurrogate(code: number, offset: number, warn: EntityWarn): string {
  warn('lone-surrogate', offset, `lone UTF-16 surrogate &#${code}; replaced with U+FFFD`);
  return REPLACEMENT;
}
