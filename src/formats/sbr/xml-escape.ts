/**
 * Attribute values and names as SMS Backup & Restore writes them, for the writer.
 *
 * The app's own files escape `&`, `<`, `>` and `"` as entities inside double quotes (its SMIL
 * parts are full of `&quot;`) and tab, CR and LF as character references, because a conforming
 * parser normalizes raw ones to spaces and the text would not survive a restore.
 */

/**
 * Anything in a value other than plain text: what must be escaped and what XML 1.0 forbids (C0
 * controls, U+FFFE, U+FFFF, lone surrogates). Almost no value has any, so one test decides for
 * the whole value. The `u` flag makes a surrogate pair one character, which needs nothing in
 * the default mode (and V8 runs this form about twice as fast as the code-unit one).
 */
// eslint-disable-next-line no-control-regex -- C0 controls are exactly what has to be found
const SPECIAL = /[\u0000-\u001f"&<>\ud800-\udfff\ufffe\uffff]/u;
/** The same, plus every character beyond the BMP, which legacy mode writes as references. */
// eslint-disable-next-line no-control-regex -- as above
const SPECIAL_LEGACY = /[\u0000-\u001f"&<>\ud800-\udfff\ufffe\uffff\u{10000}-\u{10ffff}]/u;

/** Matches a value that escapeValue would change. */
export function specialCharacters(legacyEmoji: boolean): RegExp {
  return legacyEmoji ? SPECIAL_LEGACY : SPECIAL;
}

/**
 * `value` ready to sit between double quotes. Characters XML 1.0 cannot represent at all (C0
 * controls other than tab, CR and LF, U+FFFE, U+FFFF, lone surrogates) become U+FFFD and are
 * reported with their code. With `legacyEmoji`, a character beyond the BMP is written as two
 * references to its UTF-16 surrogates, as old app versions did (strict parsers reject that form,
 * but those app versions restore only it); otherwise it stays raw text, encoded as UTF-8.
 */
export function escapeValue(value: string, legacyEmoji: boolean, onReplaced: (code: number) => void): string {
  let out = '';
  let last = 0;
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    let replacement: string;
    let width = 1;
    if (c >= 0x20 && c < 0xd800) {
      if (c === 0x26) replacement = '&amp;';
      else if (c === 0x3c) replacement = '&lt;';
      else if (c === 0x3e) replacement = '&gt;';
      else if (c === 0x22) replacement = '&quot;';
      else continue;
    } else if (c === 0x09) {
      replacement = '&#9;';
    } else if (c === 0x0a) {
      replacement = '&#10;';
    } else if (c === 0x0d) {
      replacement = '&#13;';
    } else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(value.charCodeAt(i + 1))) {
      if (!legacyEmoji) {
        i++;
        continue;
      }
      replacement = `&#${c};&#${value.charCodeAt(i + 1)};`;
      width = 2;
    } else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      onReplaced(c);
      replacement = '\uFFFD';
    } else {
      continue;
    }
    out += value.slice(last, i) + replacement;
    last = i + width;
    i += width - 1;
  }
  return last === 0 ? value : out + value.slice(last);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** An ASCII XML Name: what every known backup uses, checked without the tables below. */
const ASCII_NAME = /^[:A-Z_a-z][-.0-9:A-Z_a-z]*$/;

/** NameStartChar of XML 1.0 (fifth edition) as [first, last] code point ranges. */
const NAME_START: readonly (readonly [number, number])[] = [
  [0x3a, 0x3a], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6],
  [0xf8, 0x2ff], [0x370, 0x37d], [0x37f, 0x1fff], [0x200c, 0x200d], [0x2070, 0x218f],
  [0x2c00, 0x2fef], [0x3001, 0xd7ff], [0xf900, 0xfdcf], [0xfdf0, 0xfffd], [0x10000, 0xeffff],
];
/** What NameChar adds to NameStartChar. */
const NAME_MORE: readonly (readonly [number, number])[] = [
  [0x2d, 0x2e], [0x30, 0x39], [0xb7, 0xb7], [0x300, 0x36f], [0x203f, 0x2040],
];

function inRanges(code: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([first, last]) => code >= first && code <= last);
}

/**
 * Whether `name` is an XML 1.0 Name. Names come from backups and other apps' exports; one that
 * is not a Name would make the whole file unreadable, so the writer refuses it instead.
 */
export function isXmlName(name: string): boolean {
  if (ASCII_NAME.test(name)) return true;
  let first = true;
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (!inRanges(code, NAME_START) && (first || !inRanges(code, NAME_MORE))) return false;
    first = false;
  }
  return !first;
}
