import type { ReactNode } from 'react';

const START = '\u0002';
const END = '\u0003';

/** Splits a search snippet on the server's \u0002..\u0003 match markers into plain and matched runs. */
export function snippetRuns(snippet: string): { text: string; match: boolean }[] {
  const runs: { text: string; match: boolean }[] = [];
  let rest = snippet;
  while (rest !== '') {
    const s = rest.indexOf(START);
    if (s < 0) {
      runs.push({ text: rest, match: false });
      break;
    }
    if (s > 0) runs.push({ text: rest.slice(0, s), match: false });
    const e = rest.indexOf(END, s + 1);
    const inner = e < 0 ? rest.slice(s + 1) : rest.slice(s + 1, e);
    if (inner !== '') runs.push({ text: inner, match: true });
    rest = e < 0 ? '' : rest.slice(e + 1);
  }
  return runs;
}

/** Renders matches as <mark> elements: text nodes only, never HTML from the server. */
export function Snippet({ text }: { text: string }): ReactNode {
  return (
    <>
      {snippetRuns(text).map((r, i) => (r.match ? <mark key={i}>{r.text}</mark> : <span key={i}>{r.text.split(END).join('')}</span>))}
    </>
  );
}
