import type { ReactNode } from 'react';
import type { Message, Part } from '../api/types';
import { formatDay, formatTime, personLabel } from '../format';

const NO_NAMES: ReadonlySet<string> = new Set();
import { LinkedText } from './LinkedText';
import { PartView } from './PartView';

const STATUS_LABEL: Record<string, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
  outbox: 'Sending',
  queued: 'Queued',
  draft: 'Draft',
  received: '',
};

export interface BubbleProps {
  message: Message;
  showDay: boolean;
  isGroup: boolean;
  highlighted: boolean;
  onOpenImage: (part: Part) => void;
  /** Names two members of the conversation share: their senders show the number too. */
  sharedNames?: ReadonlySet<string>;
}

export function MessageBubble({ message: m, showDay, isGroup, highlighted, onOpenImage, sharedNames = NO_NAMES }: BubbleProps): ReactNode {
  const side = m.direction === 'out' ? 'out' : 'in';
  const sender = m.sender === null ? null : personLabel(m.sender, sharedNames);
  const status = m.status === null ? '' : (STATUS_LABEL[m.status] ?? m.status);
  const hasBody = m.body !== null && m.body !== '';
  // Text parts repeat the body the server already assembled; show them only when there is no body.
  const parts = m.parts.filter((p) => p.kind !== 'text' || !hasBody);
  return (
    <div className="message-row" data-message-id={m.id}>
      {showDay && (
        <div className="day-separator" role="separator">
          <span>{formatDay(m.date)}</span>
        </div>
      )}
      <article
        className={`bubble bubble-${side}${highlighted ? ' bubble-target' : ''}${status === 'Failed' ? ' bubble-failed' : ''}`}
        aria-label={`${side === 'out' ? 'Sent' : `From ${sender ?? 'unknown'}`} at ${formatTime(m.date)}`}
        tabIndex={highlighted ? -1 : undefined}
      >
        {isGroup && side === 'in' && sender !== null && <div className="sender">{sender}</div>}
        {m.subject !== null && m.subject !== '' && <div className="subject">{m.subject}</div>}
        {parts.map((p) => (
          <PartView key={p.id} part={p} onOpenImage={onOpenImage} />
        ))}
        {hasBody && (
          <p className="body">
            <LinkedText text={m.body ?? ''} />
          </p>
        )}
        <div className="meta">
          <time dateTime={new Date(m.date).toISOString()}>{formatTime(m.date)}</time>
          {side === 'out' && status !== '' && <span className="status"> · {status}</span>}
          {m.kind === 'mms' && <span className="kind"> · MMS</span>}
        </div>
      </article>
    </div>
  );
}
