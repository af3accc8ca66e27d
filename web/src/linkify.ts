/**
 * Web addresses in message text, found so the app can make them links: `http://` and `https://`
 * addresses, and `www.` ones (linked as https). Nothing else becomes a link (no `javascript:`,
 * `data:`, `file:`, `mailto:` or bare domains), and nothing is fetched: no previews. The caller
 * builds elements from the pieces (never HTML), so text stays text.
 *
 * Where an address ends: at white space or a character no URL carries unescaped (<>"), and
 * without trailing punctuation that belongs to the sentence (".", ",", "!", "?", ":", ";", quotes)
 * or a closing bracket that was not opened inside the address ("(see https://x.org/a)").
 */

export type Piece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/giu;
const TRAILING = /[.,!?:;'"’”…]+$/u;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function trimEnd(url: string): string {
  let u = url;
  for (;;) {
    const before = u;
    u = u.replace(TRAILING, '');
    const last = u.at(-1);
    const open = last === undefined ? undefined : PAIRS[last];
    if (open !== undefined && u.split(open).length <= u.split(last ?? '').length - 1) u = u.slice(0, -1);
    if (u === before) return u;
  }
}

/** The href for an address found in text, or undefined when it is not one to link. */
function hrefOf(text: string): string | undefined {
  const withScheme = /^www\./i.test(text) ? `https://${text}` : text;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || !url.hostname.includes('.')) return undefined;
  return url.href;
}

export function linkPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index;
    const found = trimEnd(m[0]);
    const href = found.length > 'www.'.length ? hrefOf(found) : undefined;
    if (href === undefined) continue;
    if (start > at) pieces.push({ kind: 'text', text: text.slice(at, start) });
    pieces.push({ kind: 'link', text: found, href });
    at = start + found.length;
  }
  if (at < text.length) pieces.push({ kind: 'text', text: text.slice(at) });
  return pieces;
}
