import type { ReactNode } from 'react';
import { apiGet, withQuery } from '../api/client';
import type { Conversation, Message, MessagePage } from '../api/types';
import { countNoun, dayKey, formatDay, formatTime } from '../format';
import { LinkedText } from './LinkedText';
import { PartView } from './PartView';

/** A print is a document for paper: past this many messages the PDF export is the better tool. */
export const PRINT_MAX_MESSAGES = 5000;
const PAGE = 500;

export interface PrintRange {
  /** First ms printed, null: from the first message. */
  from: number | null;
  /** Last ms printed, null: to the newest message. */
  to: number | null;
  messages: Message[];
  /** True when the range holds more than PRINT_MAX_MESSAGES. */
  cut: boolean;
}

/** Every message of a thread between two times (both optional), up to PRINT_MAX_MESSAGES, oldest first. */
export async function loadPrintRange(base: string, from: number | null, to: number | null): Promise<PrintRange> {
  const inRange = (m: Message): boolean => (from === null || m.date >= from) && (to === null || m.date <= to);
  // A date before every message opens the thread at its first page.
  let page = await apiGet<MessagePage>(withQuery(base, { date: from ?? 0, limit: PAGE }));
  const messages = page.items.filter(inRange);
  let last = page.items.at(-1);
  while (page.nextCursor !== null && messages.length <= PRINT_MAX_MESSAGES && (to === null || (last !== undefined && last.date <= to))) {
    page = await apiGet<MessagePage>(withQuery(base, { after: page.nextCursor, limit: PAGE }));
    messages.push(...page.items.filter(inRange));
    last = page.items.at(-1);
  }
  return { from, to, messages: messages.slice(0, PRINT_MAX_MESSAGES), cut: messages.length > PRINT_MAX_MESSAGES };
}

function person(p: { name: string | null; address: string }): string {
  return p.name === null ? p.address : `${p.name} (${p.address})`;
}

function byDay(messages: readonly Message[]): Message[][] {
  const days: Message[][] = [];
  for (const m of messages) {
    const day = days.at(-1);
    const prev = day?.at(-1);
    if (day !== undefined && prev !== undefined && dayKey(prev.date) === dayKey(m.date)) day.push(m);
    else days.push([m]);
  }
  return days;
}

const NO_OP = (): void => undefined;

/**
 * A thread as it prints: who it is with (names and numbers), the range, then one section per day,
 * each on a new page (styles.css, @media print), every message with its sender, number and time,
 * images scaled to the page.
 */
export function ThreadPrint({ conversation, messages, range, note }: { conversation: Conversation | null; messages: readonly Message[]; range: PrintRange | null; note: string | null }): ReactNode {
  const first = messages[0];
  const last = messages.at(-1);
  const from = range?.from ?? first?.date;
  const to = range?.to ?? last?.date;
  return (
    <div className="thread-print">
      <header className="print-header">
        <h1>{conversation?.title ?? 'Conversation'}</h1>
        {conversation !== null && <p>{conversation.members.map(person).join(', ')}</p>}
        <p>
          {from !== undefined && to !== undefined ? `${formatDay(from)} – ${formatDay(to)} · ` : ''}
          {countNoun(messages.length, 'message')}
        </p>
        {note !== null && <p className="muted">{note}</p>}
      </header>
      {messages.length === 0 && <p>No messages in this range.</p>}
      {byDay(messages).map((day) => {
        const head = day[0];
        if (head === undefined) return null;
        return (
          <section key={head.id} className="print-day">
            <h2 className="print-day-header">{formatDay(head.date)}</h2>
            {day.map((m) => (
              <article key={m.id} className={`print-message print-${m.direction === 'out' ? 'out' : 'in'}`} data-message-id={m.id}>
                <p className="print-meta">
                  <strong>{m.direction === 'out' ? 'Me' : m.sender === null ? 'Unknown sender' : person(m.sender)}</strong> ·{' '}
                  <time dateTime={new Date(m.date).toISOString()}>{formatTime(m.date)}</time>
                  {m.kind === 'mms' ? ' · MMS' : ''}
                  {m.status !== null && m.direction === 'out' ? ` · ${m.status}` : ''}
                </p>
                {m.subject !== null && m.subject !== '' && <p className="subject">{m.subject}</p>}
                {m.parts
                  .filter((p) => p.kind !== 'text' || m.body === null || m.body === '')
                  .map((p) =>
                    // Paper cannot play: a video or a recording prints as its name.
                    p.kind === 'video' || p.kind === 'audio' ? (
                      <p key={p.id} className="part-text">
                        [{p.kind === 'video' ? 'Video' : 'Audio'}: {p.name ?? p.contentType}]
                      </p>
                    ) : (
                      <PartView key={p.id} part={p} onOpenImage={NO_OP} full />
                    ),
                  )}
                {m.body !== null && m.body !== '' && (
                  <p className="body">
                    <LinkedText text={m.body} />
                  </p>
                )}
              </article>
            ))}
          </section>
        );
      })}
    </div>
  );
}
