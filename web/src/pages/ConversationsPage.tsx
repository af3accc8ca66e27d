import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { withQuery } from '../api/client';
import { usePaged } from '../api/hooks';
import { recall, remember } from '../api/remembered';
import type { ConversationItem } from '../api/types';
import { useDebounced } from '../components/useDebounced';
import { countNoun, formatCount, formatListDate } from '../format';

function isUnread(c: ConversationItem): boolean {
  return c.unread > 0;
}

function initials(title: string): string {
  const letters = title
    .split(/[\s,]+/)
    .filter((w) => /\p{L}/u.test(w))
    .slice(0, 2)
    .map((w) => Array.from(w)[0] ?? '')
    .join('');
  return letters === '' ? '#' : letters.toUpperCase();
}

export function ConversationsPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState(params.get('q') ?? '');
  const q = useDebounced(filter.trim());
  const { key } = useLocation();
  const list = usePaged<ConversationItem>(withQuery('/api/conversations', { q, limit: 100 }), key);
  // Where the list was scrolled when the user left this history entry (Back returns there).
  const scrollMemory = `scroll:${key}`;
  const [initialScrollTop] = useState(() => {
    const top = recall(scrollMemory);
    return typeof top === 'number' && list.items.length > 0 ? top : 0;
  });
  const input = useRef<HTMLInputElement>(null);
  const listRef = useRef<VirtuosoHandle>(null);
  const listBox = useRef<HTMLDivElement>(null);

  // Arrow keys move between rows (from the list itself, the first arrow focuses the first row). Only the rows near the viewport exist in the DOM, so the list
  // scrolls the next row into view first and focuses it when it is there.
  const onListKey = (e: ReactKeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const current = document.activeElement instanceof HTMLElement ? Number(document.activeElement.dataset.row ?? -1) : -1;
    const last = list.items.length - 1;
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? last : Math.min(last, Math.max(0, current + (e.key === 'ArrowDown' ? 1 : -1)));
    if (last < 0) return;
    e.preventDefault();
    const focus = (): void => {
      listBox.current?.querySelector<HTMLElement>(`[data-row="${next}"]`)?.focus();
    };
    listRef.current?.scrollIntoView({ index: next, done: focus });
    focus();
  };

  // Only on a change: a replace makes a new history key, which would orphan what is remembered.
  const inUrl = params.get('q') ?? '';
  useEffect(() => {
    if (q !== inUrl) setParams(q === '' ? {} : { q }, { replace: true });
  }, [q, inUrl, setParams]);

  // "/" focuses the filter box, as in most web apps with a list.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === '/' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  return (
    <section className="list-page" aria-labelledby="conversations-title">
      <header className="page-header">
        <h1 id="conversations-title">Conversations</h1>
        <label className="filter">
          <span className="visually-hidden">Filter conversations by name or number</span>
          <input ref={input} type="search" placeholder="Filter by name or number  ( / )" value={filter} onChange={(e) => { setFilter(e.target.value); }} />
        </label>
      </header>
      {list.error !== null && <p className="error" role="alert">{list.error}</p>}
      {!list.loading && list.error === null && list.items.length === 0 && <p className="empty">{q === '' ? 'No conversations yet. Import a backup on the Backups page.' : 'No conversation matches.'}</p>}
      <div className="conversation-list-box" ref={listBox} onKeyDown={onListKey}>
      <Virtuoso
        ref={listRef}
        className="conversation-list"
        role="list"
        aria-label="Conversations"
        data={list.items}
        initialScrollTop={initialScrollTop}
        onScroll={(e) => {
          remember(scrollMemory, e.currentTarget.scrollTop);
        }}
        endReached={list.loadMore}
        increaseViewportBy={400}
        computeItemKey={(_, c) => c.id}
        itemContent={(index, c) => (
          <div role="listitem">
            <Link to={`/c/${c.id}`} className={`conversation${isUnread(c) ? ' unread' : ''}`} data-conversation-id={c.id} data-row={index}>
              <span className="avatar" aria-hidden="true">
                {c.isGroup ? '👥' : initials(c.title)}
              </span>
              <span className="conversation-main">
                <span className="conversation-title">
                  {c.title}
                  {isUnread(c) && <span className="unread-dot" aria-label="unread" role="img" />}
                </span>
                <span className="conversation-snippet">{c.snippet ?? ''}</span>
              </span>
              <span className="conversation-side">
                {c.lastDate !== null && <time dateTime={new Date(c.lastDate).toISOString()}>{formatListDate(c.lastDate)}</time>}
                <span className="count" aria-label={countNoun(c.messageCount, 'message')}>
                  {formatCount(c.messageCount)}
                </span>
              </span>
            </Link>
          </div>
        )}
      />
      </div>
    </section>
  );
}
