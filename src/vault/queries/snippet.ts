/**
 * Search result snippets: a window of the message around the first match, with every match
 * wrapped in \u0002...\u0003 markers. Plain text only: the client turns markers into highlights,
 * so nothing from a message is ever sent as HTML.
 *
 * The index matches without accents and case (unicode61 remove_diacritics), so matching here
 * folds the same way while keeping a map back to the original characters.
 */
import { searchableText } from '../../store/search-text.js';

export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

interface Folded {
  text: string;
  /** Index in the original string of each folded UTF-16 unit, plus the original length at the end. */
  origin: number[];
}

function fold(text: string): Folded {
  let out = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const f = ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (let k = 0; k < f.length; k++) origin.push(i);
    out += f;
    i += ch.length;
  }
  origin.push(text.length);
  return { text: out, origin };
}

const WORD = /[\p{L}\p{N}]/u;
const CJK_ONLY = /^[\u2E80-\uFFFF\uD800-\uDFFF]+$/;

/** Folded search terms: a word, or a run of CJK characters matched anywhere. */
export function searchTerms(query: string): string[] {
  return query
    .split(/\s+/)
    .flatMap((w) => searchableText(w).split(/[^\p{L}\p{N}]+/u))
    .filter((w) => w.length > 0)
    .map((w) => fold(w).text);
}

function findMatches(folded: string, terms: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const term of terms) {
    const cjk = CJK_ONLY.test(term);
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1)) {
      const end = at + term.length;
      // A Latin/Cyrillic term matches whole words, as the index does; CJK matches by characters.
      if (!cjk && ((at > 0 && WORD.test(folded.charAt(at - 1))) || (end < folded.length && WORD.test(folded.charAt(end))))) continue;
      spans.push([at, end]);
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last !== undefined && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** A snippet of `text` of about `width` characters around the first match of `query`. */
export function snippet(text: string, query: string, width = 160): string {
  // Markers inside a message must not pass for highlights.
  const clean = text.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
  const folded = fold(clean);
  const matches = findMatches(folded.text, searchTerms(query)).map(([a, b]) => [folded.origin[a] ?? 0, folded.origin[b] ?? clean.length] as const);
  const first = matches[0];
  let start = 0;
  if (first !== undefined && clean.length > width) start = Math.max(0, Math.min(first[0] - Math.floor(width / 4), clean.length - width));
  // Never start or end inside a surrogate pair.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(clean.charAt(start))) start--;
  let end = Math.min(clean.length, start + width);
  if (end < clean.length && /[\uDC00-\uDFFF]/.test(clean.charAt(end))) end++;
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const [a, b] of matches) {
    if (b <= start || a >= end) continue;
    const s = Math.max(a, start);
    const e = Math.min(b, end);
    out += clean.slice(at, s) + MARK_START + clean.slice(s, e) + MARK_END;
    at = e;
  }
  out += clean.slice(at, end);
  if (end < clean.length) out += '…';
  return out;
}
