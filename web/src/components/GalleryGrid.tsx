import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { recall, remember } from '../api/remembered';
import type { GalleryItem } from '../api/types';
import { useGallery, type GalleryScope } from '../api/useGallery';
import { countNoun, formatCount, formatDateTime } from '../format';
import { gridLayout, linesIn, monthLabel, topOfPlace, type GridLine } from '../gallery';
import { Lightbox } from './Lightbox';
import { mediaIcon, thumbUrl, viewUrl } from './PartView';

/** Rows drawn beyond the visible ones, each way, in screen heights: enough for a fling to find tiles ready. */
const OVERSCAN = 1;

const KIND_LABEL: Record<string, string> = { image: 'Photo', video: 'Video', audio: 'Audio', vcard: 'Contact card', other: 'File' };

/** Who sent it, as the caption and a tile's label say it. */
function senderOf(item: GalleryItem): string {
  if (item.direction === 'out') return 'You';
  if (item.sender === null) return item.conversationTitle;
  return item.sender.name ?? item.sender.address;
}

/** Memoised: a scroll re-renders the grid every frame, and a tile changes only when its page arrives. */
const Tile = memo(function Tile({ item, place, size, onOpen }: { item: GalleryItem | undefined; place: number; size: number; onOpen: (place: number) => void }): ReactNode {
  const [broken, setBroken] = useState(false);
  if (item === undefined) return <div className="gallery-tile gallery-placeholder" aria-hidden="true" />;
  const label = `${KIND_LABEL[item.kind] ?? 'File'}${item.name === null ? '' : ` ${item.name}`}, ${senderOf(item)}, ${formatDateTime(item.date)}`;
  const pictured = (item.kind === 'image' || item.kind === 'video') && !broken;
  return (
    <button
      type="button"
      className={`gallery-tile gallery-${item.kind}`}
      aria-label={label}
      data-place={place}
      data-media-id={item.id}
      onClick={() => {
        onOpen(place);
      }}
    >
      {pictured ? (
        <img
          src={thumbUrl(item, 160)}
          srcSet={`${thumbUrl(item, 160)} 160w, ${thumbUrl(item, 320)} 320w`}
          sizes={`${String(Math.ceil(size))}px`}
          alt=""
          decoding="async"
          draggable={false}
          onError={() => {
            setBroken(true);
          }}
        />
      ) : (
        <span className="gallery-file">
          <span className="gallery-icon" aria-hidden="true">
            {mediaIcon(item.kind)}
          </span>
          <span className="gallery-name">{item.name ?? item.contentType}</span>
        </span>
      )}
      {item.kind === 'video' && (
        <span className="gallery-play" aria-hidden="true">
          ▶
        </span>
      )}
    </button>
  );
});

/**
 * Every photo, video and file of a gallery scope as a phone's gallery shows them: newest first, a
 * header per month, square tiles. Only the rows on screen (and a screen's height each way) are in
 * the DOM; the month counts size the scroll area up front, so the scroll bar is true and a month
 * jump lands at once, and pages load for what is on screen. A tile opens the lightbox, which
 * steps through the whole filtered list.
 */
export function GalleryGrid({ scope, emptyText }: { scope: GalleryScope; emptyText: string }): ReactNode {
  const gallery = useGallery(scope);
  const { index, at, showing, focusing } = gallery;
  const scroller = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const [month, setMonth] = useState('');
  // Back from "Go to message" lands where the reader was (per history entry, as the other lists do).
  const memory = `gallery:${useLocation().key}`;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const measure = (): void => {
      setBox({ width: el.clientWidth, height: el.clientHeight });
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => {
      ro.disconnect();
    };
  }, [index]);

  useEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    let frame = 0;
    const onScroll = (): void => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setScrollTop(el.scrollTop);
        remember(memory, el.scrollTop);
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, [index, memory]);

  // Made once per gallery: a scroll re-renders the grid every frame, and an archive can span 200 months.
  const monthOptions = useMemo(
    () =>
      index?.months.map((m) => (
        <option key={m.month} value={m.month}>
          {monthLabel(m.month)} ({formatCount(m.count)})
        </option>
      )),
    [index],
  );
  const layout = useMemo(() => (index === null || box.width === 0 ? null : gridLayout(index, box.width)), [index, box.width]);
  const restored = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (restored.current || layout === null || el === null) return;
    restored.current = true;
    const top = recall(memory);
    if (typeof top === 'number') el.scrollTop = top;
  }, [layout, memory]);
  const margin = box.height * OVERSCAN;
  const lines: GridLine[] = index === null || layout === null ? [] : linesIn(index, layout, Math.max(0, scrollTop - margin), scrollTop + box.height + margin);

  // The pages of the places drawn (a screen's height each way already).
  const rows = lines.filter((l) => l.kind === 'row');
  const firstPlace = rows[0]?.first ?? null;
  const lastRow = rows.at(-1);
  const lastPlace = lastRow === undefined ? null : lastRow.first + lastRow.count - 1;
  useEffect(() => {
    if (firstPlace !== null && lastPlace !== null) showing(firstPlace, lastPlace);
  }, [firstPlace, lastPlace, showing]);
  useEffect(() => {
    focusing(open === null ? null : [Math.max(0, open - 2), open + 2]);
  }, [open, focusing]);
  // The photos either side of the open one, fetched ahead so next and previous show at once.
  const neighbours = open === null ? [] : [at(open + 1), at(open - 1)];
  const ahead = neighbours.map((n) => (n?.kind === 'image' ? viewUrl(n) : '')).join(' ');
  useEffect(() => {
    for (const url of ahead.split(' ')) if (url !== '') new Image().src = url;
  }, [ahead]);

  // The month header at the top of the view, for the jump menu.
  const shownMonth = index === null || layout === null ? '' : (index.months[lines.find((l) => l.top + (l.kind === 'header' ? layout.headerHeight : layout.rowHeight) > scrollTop)?.month ?? 0]?.month ?? '');
  useEffect(() => {
    setMonth(shownMonth);
  }, [shownMonth]);

  const jump = (value: string): void => {
    setMonth(value);
    const m = index?.months.findIndex((x) => x.month === value) ?? -1;
    const el = scroller.current;
    if (m < 0 || el === null || layout === null) return;
    el.scrollTop = layout.monthTops[m] ?? 0;
  };

  const close = (): void => {
    const el = scroller.current;
    // Back in the grid where the lightbox was: the row of the last item seen, on screen.
    if (open !== null && el !== null && index !== null && layout !== null) {
      const y = topOfPlace(index, layout, open);
      if (y < el.scrollTop || y + layout.rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, y - el.clientHeight / 2);
    }
    setOpen(null);
  };

  if (gallery.error !== null && index === null) return <p className="error" role="alert">{gallery.error}</p>;
  if (index === null) return <p role="status">Loading the gallery…</p>;
  if (index.total === 0) return <p className="empty">{emptyText}</p>;
  const openItem = open === null ? null : (at(open) ?? null);
  return (
    <>
      <div className="gallery-bar">
        <span className="muted" role="status">
          {countNoun(index.total, 'item')}
        </span>
        <label>
          <span className="visually-hidden">Jump to month</span>
          <select
            value={month}
            onChange={(e) => {
              jump(e.target.value);
            }}
          >
            {monthOptions}
          </select>
        </label>
      </div>
      {gallery.error !== null && <p className="error" role="alert">{gallery.error}</p>}
      <div ref={scroller} className="gallery-scroller" role="region" aria-label="Media by month, newest first" tabIndex={0}>
        {layout !== null && (
          <div className="gallery-canvas" style={{ height: layout.monthTops.at(-1) ?? 0 }}>
            {lines.map((l) =>
              l.kind === 'header' ? (
                <h2 key={`h${String(l.month)}`} className="gallery-month" style={{ top: l.top, height: layout.headerHeight }}>
                  {monthLabel(index.months[l.month]?.month ?? '')}
                  <span className="muted"> · {countNoun(index.months[l.month]?.count ?? 0, 'item')}</span>
                </h2>
              ) : (
                <div
                  key={`r${String(l.month)}-${String(l.row)}`}
                  className="gallery-row"
                  style={{ top: l.top, height: layout.tile, gridTemplateColumns: `repeat(${String(layout.columns)}, 1fr)`, gap: layout.gap }}
                >
                  {Array.from({ length: l.count }, (_, i) => {
                    const place = l.first + i;
                    const item = at(place);
                    return <Tile key={item === undefined ? `p${String(place)}` : `m${String(item.id)}`} item={item} place={place} size={layout.tile} onOpen={setOpen} />;
                  })}
                </div>
              ),
            )}
          </div>
        )}
      </div>
      {open !== null && (
        <Lightbox
          part={openItem}
          onClose={close}
          onPrevious={open > 0 ? () => { setOpen(open - 1); } : undefined}
          onNext={open < index.total - 1 ? () => { setOpen(open + 1); } : undefined}
          position={`${(open + 1).toLocaleString()} of ${index.total.toLocaleString()}`}
          caption={openItem === null ? undefined : <Caption item={openItem} />}
        />
      )}
    </>
  );
}

function Caption({ item }: { item: GalleryItem }): ReactNode {
  return (
    <p>
      <time dateTime={new Date(item.date).toISOString()}>{formatDateTime(item.date)}</time>
      {' · '}
      <span className="lightbox-sender">{item.direction === 'out' ? 'Sent by you' : `From ${senderOf(item)}`}</span>
      {/* The conversation, unless the sender's name already says it (a 1:1 thread is titled by its person). */}
      {(item.direction === 'out' || senderOf(item) !== item.conversationTitle) && <span className="lightbox-conversation"> in {item.conversationTitle}</span>}
      {' · '}
      <Link to={`/c/${String(item.conversationId)}?around=${String(item.messageId)}`}>Go to message</Link>
    </p>
  );
}
