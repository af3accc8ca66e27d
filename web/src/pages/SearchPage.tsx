import { useLayoutEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { withQuery } from '../api/client';
import { usePaged } from '../api/hooks';
import { recall, remember } from '../api/remembered';
import type { SearchHit, SearchPage as SearchResultPage } from '../api/types';
import { Snippet } from '../components/Snippet';
import { dateInputToMs, formatCount, formatDateTime } from '../format';

const FIELDS = ['q', 'contact', 'from', 'to', 'kind', 'direction'] as const;
type Field = (typeof FIELDS)[number];

function Results({ params }: { params: Record<Field, string> }): ReactNode {
  const path = withQuery('/api/search', {
    q: params.q,
    contact: params.contact,
    from: dateInputToMs(params.from),
    to: dateInputToMs(params.to, true),
    kind: params.kind,
    direction: params.direction,
    limit: 50,
  });
  const { key } = useLocation();
  const list = usePaged<SearchHit, SearchResultPage>(path, key);
  const restoredCount = useState(list.items.length)[0];

  // The results scroll with the page (in <main>): remember the offset for this history entry and,
  // when the pages were remembered too, go back to it. Layout effects, so the listener is gone
  // before the next page's content can scroll <main>.
  useLayoutEffect(() => {
    const main = document.getElementById('main');
    if (main === null) return;
    const top = recall(`scroll:${key}`);
    if (restoredCount > 0 && typeof top === 'number') main.scrollTop = top;
    const onScroll = (): void => {
      remember(`scroll:${key}`, main.scrollTop);
    };
    main.addEventListener('scroll', onScroll);
    return () => {
      main.removeEventListener('scroll', onScroll);
    };
  }, [key, restoredCount]);

  const total = list.last?.total;
  return (
    <>
      {list.error !== null && <p className="error" role="alert">{list.error}</p>}
      {total !== undefined && total > 0 && (
        <p className="result-count" role="status">
          {list.last?.totalIsLowerBound === true ? `${formatCount(total)}+ results` : `${formatCount(total)} ${total === 1 ? 'result' : 'results'}`}
        </p>
      )}
      {!list.loading && list.error === null && list.items.length === 0 && <p className="empty">No messages found.</p>}
      <ol className="search-results" aria-label="Search results">
        {list.items.map((h) => (
          <li key={h.messageId}>
            <Link to={`/c/${h.conversationId}?around=${h.messageId}`} className="search-hit" data-message-id={h.messageId}>
              <span className="hit-head">
                <strong>{h.conversationTitle}</strong>
                <span className="muted">
                  {h.direction === 'out' ? 'Sent' : h.sender !== null ? `From ${h.sender.name ?? h.sender.address}` : 'Received'} · <time dateTime={new Date(h.date).toISOString()}>{formatDateTime(h.date)}</time>
                </span>
              </span>
              <span className="hit-snippet">
                <Snippet text={h.snippet} />
              </span>
            </Link>
          </li>
        ))}
      </ol>
      {list.loading && <p role="status">Searching…</p>}
      {!list.loading && list.hasMore && list.items.length > 0 && (
        <button type="button" onClick={list.loadMore}>
          More results
        </button>
      )}
    </>
  );
}

export function SearchPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const current = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<Field, string>;
  const [form, setForm] = useState(current);
  const searched = current.q !== '';
  const set = (f: Field) => (e: { target: { value: string } }) => {
    setForm((prev) => ({ ...prev, [f]: e.target.value }));
  };
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setParams(Object.fromEntries(Object.entries(form).filter(([, v]) => v !== '')));
  };

  return (
    <section className="search-page" aria-labelledby="search-title">
      <header className="page-header">
        <h1 id="search-title">Search</h1>
      </header>
      <form className="search-form" onSubmit={submit} role="search">
        <label className="grow">
          <span className="visually-hidden">Words to find</span>
          <input type="search" placeholder="Search all messages" value={form.q} onChange={set('q')} required autoFocus={!searched} />
        </label>
        <label>
          Contact
          <input value={form.contact} onChange={set('contact')} placeholder="name or number" />
        </label>
        <label>
          From
          <input type="date" value={form.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="date" value={form.to} onChange={set('to')} />
        </label>
        <label>
          Kind
          <select value={form.kind} onChange={set('kind')}>
            <option value="">SMS and MMS</option>
            <option value="sms">SMS</option>
            <option value="mms">MMS</option>
          </select>
        </label>
        <label>
          Direction
          <select value={form.direction} onChange={set('direction')}>
            <option value="">Sent and received</option>
            <option value="in">Received</option>
            <option value="out">Sent</option>
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {searched && <Results params={current} />}
    </section>
  );
}
