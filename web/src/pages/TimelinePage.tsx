import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Virtuoso } from 'react-virtuoso';
import { withQuery } from '../api/client';
import type { TimelineEntry } from '../api/types';
import { useScrollMemory, useTwoWayPages } from '../api/useTwoWayPages';
import { dateInputToMs, dayKey, formatDay, formatDuration, formatTime, msToDateInput } from '../format';
import { CALL_ICON } from './CallsPage';

const PAGE = 100;
const FIELDS = ['contact', 'kind', 'direction'] as const;
type Field = (typeof FIELDS)[number];
type Filters = Record<Field, string>;
const NO_FILTERS: Filters = { contact: '', kind: '', direction: '' };

/** Where a row leads: the message in its thread, a call to its 1:1 thread at that time (or to the call log). */
function linkOf(e: TimelineEntry): string {
  if (e.kind !== 'call') return `/c/${e.conversationId}?around=${e.id}`;
  return e.conversationId === null ? withQuery('/calls', { contact: e.number }) : `/c/${e.conversationId}?date=${e.date}`;
}

function EntryRow({ entry: e, showDay }: { entry: TimelineEntry; showDay: boolean }): ReactNode {
  const call = e.kind === 'call' ? CALL_ICON[e.callType] : null;
  let who: string;
  let what: string;
  let detail: string;
  if (e.kind === 'call') {
    who = e.name ?? e.number;
    what = `${call?.label ?? ''} call`;
    detail = [e.durationS > 0 ? `Duration ${formatDuration(e.durationS)}` : '', e.name === null ? '' : e.number].filter((t) => t !== '').join(' · ');
  } else {
    who = e.conversationTitle;
    what = e.direction === 'out' ? 'Sent' : e.sender !== null && e.sender.name !== who ? `From ${e.sender.name ?? e.sender.address}` : 'Received';
    detail = e.text === '' ? '(empty message)' : e.text;
  }
  const side = e.kind === 'call' ? `call-${e.callType}` : e.direction;
  return (
    <div className="timeline-row" data-entry={`${e.kind}-${e.id}`}>
      {showDay && (
        <div className="day-separator" role="separator">
          <span>{formatDay(e.date)}</span>
        </div>
      )}
      <Link to={linkOf(e)} className={`timeline-entry timeline-${side}`}>
        <span className="timeline-kind" title={call?.label ?? e.kind.toUpperCase()}>
          {call === null ? e.kind.toUpperCase() : <span aria-hidden="true">{call.icon}</span>}
        </span>
        <span className="timeline-main">
          <span className="hit-head">
            <strong>{who}</strong>
            <span className="muted">
              {what} · <time dateTime={new Date(e.date).toISOString()}>{formatTime(e.date)}</time>
            </span>
          </span>
          {detail !== '' && <span className={e.kind === 'call' ? 'timeline-text muted' : 'timeline-text'}>{detail}</span>}
        </span>
      </Link>
    </div>
  );
}

export function TimelinePage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const date = params.get('date');
  const [form, setForm] = useState(filters);
  const [jumpDate, setJumpDate] = useState(date === null ? '' : msToDateInput(Number(date)));
  const query = { contact: filters.contact, kind: filters.kind, direction: filters.direction };
  const first = withQuery('/api/timeline', { ...query, date, limit: PAGE });
  const { loaded, error, loadOlder, loadNewer } = useTwoWayPages<TimelineEntry>(
    first,
    (where) => withQuery('/api/timeline', { ...query, ...where, limit: PAGE }),
    (items) => {
      const i = date === null ? -1 : items.findIndex((e) => e.date >= Number(date));
      return i >= 0 ? i : items.length - 1;
    },
  );
  // Where the reader is goes into the URL as its date, so Back or a reload opens the timeline there.
  const { forget, ...scrollMemory } = useScrollMemory(loaded, (e) => ({ date: String(e.date) }));

  /** A new URL: the filters and where to open (the date the reader is looking at, unless given). */
  const go = (next: Filters, at: string | null): void => {
    forget();
    setForm(next);
    setParams(Object.fromEntries(Object.entries({ ...next, date: at ?? '' }).filter(([, v]) => v !== '')));
  };
  // The date scrolling wrote into the URL (history.replaceState, unseen by the router).
  const shownDate = (): string | null => new URL(window.location.href).searchParams.get('date');
  const set = (f: Field) => (e: { target: { value: string } }) => {
    setForm((prev) => ({ ...prev, [f]: e.target.value }));
  };
  const filter = (e: SyntheticEvent): void => {
    e.preventDefault();
    go(form, shownDate());
  };
  const jump = (e: SyntheticEvent): void => {
    e.preventDefault();
    const ms = dateInputToMs(jumpDate);
    if (ms !== null) go(filters, String(ms));
  };

  const entries = loaded?.items ?? [];
  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <section className="timeline-page" aria-labelledby="timeline-title">
      <header className="page-header">
        <h1 id="timeline-title">Timeline</h1>
        <form className="jump-form" onSubmit={jump}>
          <label>
            <span className="visually-hidden">Jump to date</span>
            <input type="date" value={jumpDate} onChange={(e) => { setJumpDate(e.target.value); }} />
          </label>
          <button type="submit">Go</button>
          {date !== null && (
            <button type="button" onClick={() => { setJumpDate(''); go(filters, null); }}>
              Newest
            </button>
          )}
        </form>
      </header>
      <form className="search-form timeline-filters" onSubmit={filter} aria-label="Filter the timeline">
        <label className="grow">
          Person
          <input value={form.contact} onChange={set('contact')} placeholder="name or number" />
        </label>
        <label>
          Kind
          <select value={form.kind} onChange={set('kind')}>
            <option value="">Messages and calls</option>
            <option value="sms">SMS</option>
            <option value="mms">MMS</option>
            <option value="call">Calls</option>
          </select>
        </label>
        <label>
          Direction
          <select value={form.direction} onChange={set('direction')}>
            <option value="">Any</option>
            <option value="incoming">Incoming</option>
            <option value="outgoing">Outgoing</option>
            <option value="missed">Missed calls</option>
          </select>
        </label>
        <button type="submit">Filter</button>
        {filtered && (
          <button type="button" onClick={() => { go(NO_FILTERS, shownDate()); }}>
            Clear
          </button>
        )}
      </form>
      {error !== null && <p className="error" role="alert">{error}</p>}
      {loaded === null && error === null && <p role="status">Loading the timeline…</p>}
      {loaded !== null && entries.length === 0 && <p className="empty">{filtered ? 'Nothing matches these filters.' : 'The archive is empty.'}</p>}
      {loaded !== null && entries.length > 0 && (
        <Virtuoso
          key={first}
          className="timeline-list"
          role="region"
          aria-label="Messages and calls in time order"
          tabIndex={0}
          data={entries}
          firstItemIndex={loaded.firstItemIndex}
          initialTopMostItemIndex={{ index: loaded.initialIndex, align: date === null ? 'end' : 'center' }}
          startReached={loadOlder}
          endReached={loadNewer}
          isScrolling={scrollMemory.isScrolling}
          rangeChanged={scrollMemory.rangeChanged}
          increaseViewportBy={{ top: 600, bottom: 600 }}
          computeItemKey={(_, e) => `${e.kind}-${e.id}`}
          itemContent={(index, e) => {
            const prev = entries[index - loaded.firstItemIndex - 1];
            return <EntryRow entry={e} showDay={prev === undefined || dayKey(prev.date) !== dayKey(e.date)} />;
          }}
        />
      )}
    </section>
  );
}
