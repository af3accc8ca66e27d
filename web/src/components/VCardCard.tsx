import type { ReactNode } from 'react';
import { parseVCards } from '../vcard';

export function VCardCard({ text }: { text: string }): ReactNode {
  const cards = parseVCards(text);
  if (cards.length === 0) return <p className="muted">Contact card (unreadable)</p>;
  return (
    <>
      {cards.map((c, i) => (
        <section key={i} className="vcard" aria-label={`Contact card: ${c.name}`}>
          <div className="avatar" aria-hidden="true">
            {c.name.slice(0, 1).toUpperCase()}
          </div>
          <div>
            <strong>{c.name}</strong>
            {c.org !== null && <div className="muted">{c.org}</div>}
            {c.phones.map((p, j) => (
              <div key={`p${j}`}>
                {p.value}
                {p.type !== null && <span className="muted"> · {p.type}</span>}
              </div>
            ))}
            {c.emails.map((e, j) => (
              <div key={`e${j}`}>{e}</div>
            ))}
          </div>
        </section>
      ))}
    </>
  );
}
