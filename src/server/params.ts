/**
 * Text helpers of the routes. The request shapes themselves are the API contract's
 * (src/api-contract/).
 */

/** Drops control characters (C0, DEL, C1): they have no place in a file name or a header. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 && !(c >= 0x7f && c <= 0x9f)) out += ch;
  }
  return out;
}
