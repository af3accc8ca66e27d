import { useCallback, useEffect, useMemo, useRef, useState, type SyntheticEvent, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { apiGet, errorMessage, withQuery } from '../api/client';
import { useApi } from '../api/hooks';
import type { Conversation, Message, MessagePage, Part } from '../api/types';
import { useExport, useExportFormats } from '../components/ExportRunner';
import { Lightbox } from '../components/Lightbox';
import { MessageBubble } from '../components/MessageBubble';
import { countNoun, dateInputToMs, dayKey, sharedNames } from '../format';
import { Choice } from '../components/Choice';
import { usePrinting } from '../components/usePrinting';

const PAGE = 200;
/** Virtuoso wants a positive first index that only ever decreases as older pages are prepended. */
const START_INDEX = 1_000_000_000;

interface Loaded {
  messages: Message[];
  prevCursor: string | null;
  nextCursor: string | null;
  firstItemIndex: number;
  /** Index in `messages` to open at (the target message, or the newest). */
  initialIndex: number;
}

export function ThreadPage(): ReactNode {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const around = params.get('around');
  const date = params.get('date');
  // Where the reader had scrolled to (written into the URL as they scroll): opens there, unhighlighted.
  const at = params.get('at');
  const opensAt = around ?? at;
  const conv = useApi<Conversation>(`/api/conversations/${encodeURIComponent(id)}`);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [image, setImage] = useState<Part | null>(null);
  const [jumpDate, setJumpDate] = useState('');
  // On a phone the date and export forms fold behind a button so the header stays one line (CSS).
  const [toolsOpen, setToolsOpen] = useState(false);
  const [exportFormat, setExportFormat] = useState('pdf');
  const exporter = useExport();
  const exportFormats = useExportFormats();
  const busy = useRef({ older: false, newer: false });
  const listRef = useRef<VirtuosoHandle>(null);
  const userScrolled = useRef(false);
  const positionTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The message in the middle of the view goes into this history entry's URL (?at=), so Back (or a
  // reload, or a bookmark) opens the thread there. Written with history.replaceState, outside the
  // router: a router navigation would reload the thread at every scroll.
  const rememberPosition = useCallback((messageId: number) => {
    if (positionTimer.current !== null) clearTimeout(positionTimer.current);
    positionTimer.current = setTimeout(() => {
      const url = new URL(window.location.href);
      url.searchParams.delete('around');
      url.searchParams.delete('date');
      url.searchParams.set('at', String(messageId));
      window.history.replaceState(window.history.state, '', url);
    }, 250);
  }, []);
  useEffect(
    () => () => {
      if (positionTimer.current !== null) clearTimeout(positionTimer.current);
    },
    [],
  );
  const printing = usePrinting();
  const base = `/api/conversations/${encodeURIComponent(id)}/messages`;

  useEffect(() => {
    let live = true;
    setLoaded(null);
    setError(null);
    busy.current = { older: false, newer: false };
    userScrolled.current = false;
    if (positionTimer.current !== null) clearTimeout(positionTimer.current);
    apiGet<MessagePage>(withQuery(base, { around: opensAt, date, limit: PAGE }))
      .then((page) => {
        if (!live) return;
        let initialIndex = page.items.length - 1;
        if (opensAt !== null) {
          const i = page.items.findIndex((m) => String(m.id) === opensAt);
          if (i >= 0) initialIndex = i;
        } else if (date !== null) {
          const i = page.items.findIndex((m) => m.date >= Number(date));
          initialIndex = i >= 0 ? i : page.items.length - 1;
        }
        setLoaded({ messages: page.items, prevCursor: page.prevCursor, nextCursor: page.nextCursor, firstItemIndex: START_INDEX, initialIndex: Math.max(0, initialIndex) });
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [base, opensAt, date]);

  const loadOlder = useCallback(() => {
    if (loaded === null || loaded.prevCursor === null || busy.current.older) return;
    busy.current.older = true;
    apiGet<MessagePage>(withQuery(base, { before: loaded.prevCursor, limit: PAGE }))
      .then((page) => {
        setLoaded((cur) =>
          cur === null
            ? cur
            : { ...cur, messages: [...page.items, ...cur.messages], prevCursor: page.prevCursor, firstItemIndex: cur.firstItemIndex - page.items.length },
        );
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
      })
      .finally(() => {
        busy.current.older = false;
      });
  }, [base, loaded]);

  const loadNewer = useCallback(() => {
    if (loaded === null || loaded.nextCursor === null || busy.current.newer) return;
    busy.current.newer = true;
    apiGet<MessagePage>(withQuery(base, { after: loaded.nextCursor, limit: PAGE }))
      .then((page) => {
        setLoaded((cur) => (cur === null ? cur : { ...cur, messages: [...cur.messages, ...page.items], nextCursor: page.nextCursor }));
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
      })
      .finally(() => {
        busy.current.newer = false;
      });
  }, [base, loaded]);

  const jump = (e: SyntheticEvent): void => {
    e.preventDefault();
    const ms = dateInputToMs(jumpDate);
    if (ms !== null) setParams({ date: String(ms) });
  };

  const c = conv.data;
  const isGroup = c?.isGroup ?? false;
  const shared = useMemo(() => sharedNames(c?.members ?? []), [c]);
  const messages = loaded?.messages ?? [];
  const target = around;

  return (
    <section className="thread-page" aria-labelledby="thread-title">
      <header className="page-header thread-header">
        <Link to="/" className="back-link" aria-label="Back to conversations">
          ‹
        </Link>
        <div className="thread-title">
          <h1 id="thread-title">{c?.title ?? 'Conversation'}</h1>
          {c !== null && (
            <p className="muted">
              {c.members.map((mb) => (mb.name === null ? mb.address : `${mb.name} (${mb.address})`)).join(', ')} · {countNoun(c.messageCount, 'message')}
            </p>
          )}
        </div>
        <button
          type="button"
          className="thread-tools-button"
          aria-expanded={toolsOpen}
          aria-controls="thread-tools"
          onClick={() => {
            setToolsOpen((o) => !o);
          }}
        >
          <span aria-hidden="true">⋯</span>
          <span className="visually-hidden">Jump to a date or export</span>
        </button>
        <div id="thread-tools" className={`thread-tools${toolsOpen ? ' open' : ''}`}>
        <form className="jump-form" onSubmit={jump}>
          <label>
            <span className="visually-hidden">Jump to date</span>
            <input type="date" value={jumpDate} onChange={(e) => { setJumpDate(e.target.value); }} />
          </label>
          <button type="submit">Go</button>
          {(opensAt !== null || date !== null) && (
            <button type="button" onClick={() => { setParams({}); }}>
              Newest
            </button>
          )}
        </form>
        <form
          className="jump-form thread-export"
          onSubmit={(e) => {
            e.preventDefault();
            exporter.start({ format: exportFormat, conversationId: Number(id) });
          }}
        >
          <Choice label="Export format" hideLabel value={exportFormat} options={exportFormats} onChange={setExportFormat} />
          <button type="submit" disabled={exporter.busy}>
            Export this conversation
          </button>
        </form>
        </div>
      </header>
      {exporter.view}
      {error !== null && <p className="error" role="alert">{error}</p>}
      {conv.error !== null && <p className="error" role="alert">{conv.error}</p>}
      {loaded === null && error === null && <p role="status">Loading messages…</p>}
      {loaded !== null && messages.length === 0 && <p className="empty">No messages in this conversation.</p>}
      {/* Waits for the conversation too: whether it is a group decides the sender lines (and row heights). */}
      {loaded !== null && messages.length > 0 && (c !== null || conv.error !== null) && printing && (
        // Printing: every loaded message in a plain list, so the print holds them all (issue 26 item 6).
        <div className="message-list message-list-print" role="log" aria-label="Messages">
          {c !== null && messages.length < c.messageCount && (
            <p className="muted">
              {countNoun(messages.length, 'message')} of {c.messageCount.toLocaleString()} printed: those loaded in the page. Export this conversation as PDF to print it all.
            </p>
          )}
          {messages.map((m, i) => {
            const prev = messages[i - 1];
            return (
              <MessageBubble
                key={m.id}
                message={m}
                showDay={prev === undefined || dayKey(prev.date) !== dayKey(m.date)}
                isGroup={isGroup}
                highlighted={false}
                onOpenImage={setImage}
                sharedNames={shared}
              />
            );
          })}
        </div>
      )}
      {loaded !== null && messages.length > 0 && (c !== null || conv.error !== null) && !printing && (
        <Virtuoso
          key={`${id}|${opensAt ?? ''}|${date ?? ''}`}
          ref={listRef}
          className="message-list"
          role="log"
          aria-label="Messages"
          // Focusable so arrow keys and Page Up/Down scroll the thread.
          tabIndex={0}
          data={messages}
          firstItemIndex={loaded.firstItemIndex}
          initialTopMostItemIndex={{ index: loaded.initialIndex, align: opensAt !== null || date !== null ? 'center' : 'end' }}
          startReached={loadOlder}
          endReached={loadNewer}
          isScrolling={(scrolling) => {
            if (scrolling) userScrolled.current = true;
          }}
          rangeChanged={(range) => {
            const middle = messages[Math.floor((range.startIndex + range.endIndex) / 2) - loaded.firstItemIndex];
            if (userScrolled.current && middle !== undefined) rememberPosition(middle.id);
          }}
          increaseViewportBy={{ top: 600, bottom: 600 }}
          computeItemKey={(_, m) => m.id}
          itemContent={(index, m) => {
            const prev = messages[index - loaded.firstItemIndex - 1];
            return (
              <MessageBubble
                message={m}
                showDay={prev === undefined || dayKey(prev.date) !== dayKey(m.date)}
                isGroup={isGroup}
                highlighted={target !== null && String(m.id) === target}
                onOpenImage={setImage}
                sharedNames={shared}
              />
            );
          }}
        />
      )}
      {image !== null && <Lightbox part={image} onClose={() => { setImage(null); }} />}
    </section>
  );
}
