// Search snippets mark each match with \u0002 before and \u0003 after (docs/api.md).

export const START = '\u0002';
export const END = '\u0003';

/** A stray end marker outside a match is dropped. */
function plain(text: string): string {
  return text.split(END).join('');
}

/** Splits a search snippet on the server's \u0002..\u0003 match markers into plain and matched runs. */
export function snippetRuns(snippet: string): { text: string; match: boolean }[] {
  const runs: { text: string; match: boolean }[] = [];
  let rest = snippet;
  while (rest !== '') {
    const s = rest.indexOf(START);
    if (s < 0) {
      runs.push({ text: plain(rest), match: false });
      break;
    }
    if (s > 0) runs.push({ text: plain(rest.slice(0, s)), match: false });
    const e = rest.indexOf(END, s + 1);
    const inner = e < 0 ? rest.slice(s + 1) : rest.slice(s + 1, e);
    if (inner !== '') runs.push({ text: inner, match: true });
    rest = e < 0 ? '' : rest.slice(e + 1);
  }
  return runs;
}

