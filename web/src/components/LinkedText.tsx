import { Fragment, type ReactNode } from 'react';
import { linkPieces } from '../linkify';

/**
 * Message text with its web addresses as links (linkify.ts): React elements and text nodes only,
 * never HTML. A link opens in a new tab without telling the site where it came from
 * (noopener noreferrer); nothing is fetched before the user clicks.
 */
export function LinkedText({ text }: { text: string }): ReactNode {
  return linkPieces(text).map((p, i) =>
    p.kind === 'text' ? (
      <Fragment key={i}>{p.text}</Fragment>
    ) : (
      <a key={i} href={p.href} target="_blank" rel="noopener noreferrer" className="message-link">
        {p.text}
      </a>
    ),
  );
}
