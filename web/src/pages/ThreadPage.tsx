import { useEffect, useMemo, useRef, useState, type SyntheticEvent, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { errorMessage, withQuery } from '../api/client';
import { useApi } from '../api/hooks';
import type { Conversation, Message, Part } from '../api/types';
import { useScrollMemory, useTwoWayPages } from '../api/useTwoWayPages';
import { useExport, useExportFormats } from '../components/ExportRunner';
import { Lightbox } from '../components/Lightbox';
import { MessageBubble } from '../components/MessageBubble';
import { ThreadTabs } from '../components/ThreadTabs';
import { countNoun, dateInputToMs, dayKey, sharedNames } from '../format';
import { Choice } from '../components/Choice';
import { loadPrintRange, PRINT_MAX_MESSAGES, ThreadPrint, type PrintRange } from '../components/ThreadPrint';
import { usePrinting } from '../components/usePrinting';

const PAGE = 200;

export function ThreadPage(): ReactNode {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const around = params.get('around');
  const date = params.get('date');
  // Where the reader had scrolled to (written into the URL as they scroll): opens there, unhighlighted.
  const at = params.get('at');
  const opensAt = around ?? at;
  const conv = useApi<Conversation>(`/api/conversations/${encodeURIComponent(id)}`);
  const [image, setImage] = useState<Part | null>(null);
  const [jumpDate, setJumpDate] = useState('');
  // On a phone the date and export forms fold behind a button so the header stays one line (CSS).
  const [toolsOpen, setToolsOpen] = useState(false);
  const [exportFormat, setExportFormat] = useState('pdf');
  const exporter = useExport();
  const exportFormats = useExportFormats();
  const [printOpen, setPrintOpen] = useState(false);
  const [printFrom, setPrintFrom] = useState('');
  const [printTo, setPrintTo] = useState('');
  const [printRange, setPrintRange] = useState<PrintRange | null>(null);
  const [printBusy, setPrintBusy] = useState(false);
  const [printError, setPrintError] = useState<string | null>(null);
  // The browser's print dialog opens once the chosen range has rendered (see the effect below).
  const printPending = useRef(false);
  const listRef = useRef<VirtuosoHandle>(null);
  const printing = usePrinting();
  const base = `/api/conversations/${encodeURIComponent(id)}/messages`;
  const pages = useTwoWayPages<Message>(
    withQuery(base, { around: opensAt, date, limit: PAGE }),
    (where) => withQuery(base, { ...where, limit: PAGE }),
    (items) => {
      if (opensAt !== null) {
        const i = items.findIndex((m) => String(m.id) === opensAt);
        if (i >= 0) return i;
      } else if (date !== null) {
        const i = items.findIndex((m) => m.date >= Number(date));
        if (i >= 0) return i;
      }
      return items.length - 1;
    },
  );
  const { loaded, error, loadOlder, loadNewer } = pages;
  // The message in the middle of the view goes into this history entry's URL (?at=), so Back (or a
  // reload, or a bookmark) opens the thread there.
  const scrollMemory = useScrollMemory(loaded, (m) => ({ around: null, date: null, at: String(m.id) }));

  useEffect(() => {
    if (printRange !== null && printPending.current) {
      printPending.current = false;
      window.print();
    }
  }, [printRange]);

  const startPrint = (e: SyntheticEvent): void => {
    e.preventDefault();
    setPrintBusy(true);
    setPrintError(null);
    loadPrintRange(base, dateInputToMs(printFrom), dateInputToMs(printTo, true))
      .then((range) => {
        printPending.current = true;
        setPrintRange(range);
      })
      .catch((err: unknown) => {
        setPrintError(errorMessage(err));
      })
      .finally(() => {
        setPrintBusy(false);
      });
  };

  const jump = (e: SyntheticEvent): void => {
    e.preventDefault();
    const ms = dateInputToMs(jumpDate);
    if (ms !== null) setParams({ date: String(ms) });
  };

  const c = conv.data;
  const isGroup = c?.isGroup ?? false;
  const shared = useMemo(() => sharedNames(c?.members ?? []), [c]);
  const messages = loaded?.items ?? [];
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
          <span className="visually-hidden">Jump to a date, export or print</span>
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
        <button
          type="button"
          aria-expanded={printOpen}
          onClick={() => {
            setPrintOpen((o) => !o);
            setToolsOpen(false);
          }}
        >
          Print…
        </button>
        </div>
      </header>
      <ThreadTabs id={id} />
      {exporter.view}
      {error !== null && <p className="error" role="alert">{error}</p>}
      {conv.error !== null && <p className="error" role="alert">{conv.error}</p>}
      {loaded === null && error === null && <p role="status">Loading messages…</p>}
      {loaded !== null && messages.length === 0 && <p className="empty">No messages in this conversation.</p>}
      {printOpen && (
        <form className="search-form print-form" onSubmit={startPrint} aria-label="Print this conversation">
          <label>
            From
            <input type="date" value={printFrom} onChange={(e) => { setPrintFrom(e.target.value); }} />
          </label>
          <label>
            To
            <input type="date" value={printTo} onChange={(e) => { setPrintTo(e.target.value); }} />
          </label>
          <button type="submit" disabled={printBusy}>
            Print
          </button>
          <button type="button" onClick={() => { setPrintOpen(false); setPrintRange(null); }}>
            Cancel
          </button>
          <p className="muted" role="status">
            {printBusy
              ? 'Loading the messages to print…'
              : printRange === null
                ? 'Leave the dates empty to print the whole conversation.'
                : `${countNoun(printRange.messages.length, 'message')} ready to print.`}
          </p>
        </form>
      )}
      {printError !== null && <p className="error" role="alert">{printError}</p>}
      {/* Printing (issue 26 item 6, issue 25): a plain document, not the virtual list, which prints blank. */}
      {loaded !== null && (c !== null || conv.error !== null) && printing && (
        <ThreadPrint
          conversation={c}
          messages={printRange?.messages ?? messages}
          range={printRange}
          note={
            printRange?.cut === true
              ? `Only the first ${PRINT_MAX_MESSAGES.toLocaleString()} messages of this range are printed: export this conversation as PDF for all of them.`
              : printRange === null && c !== null && messages.length < c.messageCount
                ? `${countNoun(messages.length, 'message')} of ${c.messageCount.toLocaleString()} printed: those loaded in the page. Choose Print… in the menu for a date range or the whole conversation.`
                : null
          }
        />
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
          isScrolling={scrollMemory.isScrolling}
          rangeChanged={scrollMemory.rangeChanged}
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
