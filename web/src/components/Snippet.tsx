import type { ReactNode } from 'react';
import { snippetRuns } from '../snippet';

/** Renders matches as <mark> elements: text nodes only, never HTML from the server. */
export function Snippet({ text }: { text: string }): ReactNode {
  return (
    <>
      {snippetRuns(text).map((r, i) => (r.match ? <mark key={i}>{r.text}</mark> : <span key={i}>{r.text}</span>))}
    </>
  );
}
