import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { formatBytes } from '../format';
import { mediaIcon, thumbUrl, viewUrl } from './PartView';
import { VCardCard } from './VCardCard';

/** What the lightbox shows: a thread's part or a gallery item (both carry these). */
export interface LightboxMedia {
  url: string;
  name: string | null;
  kind: string;
  contentType: string;
  size?: number | null;
}

export interface LightboxProps {
  /** Null while the item's page is still loading (stepping past what the gallery has loaded). */
  part: LightboxMedia | null;
  onClose: () => void;
  /** Absent at the first/last item (and in a thread, which opens one photo at a time). */
  onPrevious?: (() => void) | undefined;
  onNext?: (() => void) | undefined;
  /** Under the media: when, who, where it came from, a link to the message. */
  caption?: ReactNode;
  /** "12 of 3,456". */
  position?: string | undefined;
}

/** A horizontal drag further than this (CSS px), and mostly sideways, turns the page. */
const SWIPE = 50;

function labelOf(m: LightboxMedia): string {
  const what = m.kind === 'image' ? 'Image' : m.kind === 'video' ? 'Video' : m.kind === 'audio' ? 'Audio' : m.kind === 'vcard' ? 'Contact card' : 'File';
  return m.name === null ? what : `${what} ${m.name}`;
}

/**
 * Media full size in a modal <dialog> (Esc and the close button dismiss it; focus is trapped by the
 * browser): a photo (the server's browser-viewable form), a video or audio clip with controls, or
 * a file's icon. With `onPrevious`/`onNext`: buttons, the arrow keys and a horizontal swipe step
 * through a list.
 */
export function Lightbox({ part, onClose, onPrevious, onNext, caption, position }: LightboxProps): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (d !== null && !d.open) d.showModal();
  }, []);

  const onKeyDown = (e: KeyboardEvent): void => {
    // A focused video or audio element seeks with the arrows: leave them to it.
    if (e.target instanceof HTMLMediaElement || e.target instanceof HTMLInputElement) return;
    if (e.key === 'ArrowLeft' && onPrevious !== undefined) {
      e.preventDefault();
      onPrevious();
    } else if (e.key === 'ArrowRight' && onNext !== undefined) {
      e.preventDefault();
      onNext();
    }
  };
  const onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
  };
  const onPointerUp = (e: PointerEvent): void => {
    const start = drag.current;
    drag.current = null;
    if (start === null || start.id !== e.pointerId) return;
    const dx = e.clientX - start.x;
    const dy = e.clientY - start.y;
    if (Math.abs(dx) < SWIPE || Math.abs(dx) < 1.5 * Math.abs(dy)) return;
    // Dragging to the left brings the next item in from the right, as on a phone.
    if (dx < 0) onNext?.();
    else onPrevious?.();
  };

  const stepping = onPrevious !== undefined || onNext !== undefined || position !== undefined;
  return (
    <dialog
      ref={ref}
      className={`lightbox${stepping ? ' lightbox-stepping' : ''}`}
      aria-label={part === null ? 'Loading' : labelOf(part)}
      onClose={onClose}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="lightbox-stage" onPointerDown={onPointerDown} onPointerUp={onPointerUp} onPointerCancel={() => (drag.current = null)}>
        {stepping && (
          // aria-disabled, not disabled: a disabled button drops the focus out of the dialog, and the arrow keys with it.
          <button type="button" className="lightbox-step lightbox-previous" aria-label="Previous" aria-disabled={onPrevious === undefined} onClick={onPrevious}>
            ‹
          </button>
        )}
        {part === null ? <p className="lightbox-loading" role="status">Loading…</p> : <LightboxMediaView key={part.url} part={part} />}
        {stepping && (
          <button type="button" className="lightbox-step lightbox-next" aria-label="Next" aria-disabled={onNext === undefined} onClick={onNext}>
            ›
          </button>
        )}
      </div>
      {caption !== undefined && <div className="lightbox-caption">{caption}</div>}
      <div className="lightbox-tools">
        {position !== undefined && <span className="muted lightbox-position">{position}</span>}
        {part !== null && (
          <a href={`${part.url}?download=1`} download={part.name ?? true}>
            {stepping ? 'Download original' : 'Download'}
          </a>
        )}
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}

function LightboxMediaView({ part }: { part: LightboxMedia }): ReactNode {
  const [failed, setFailed] = useState(false);
  const name = part.name ?? part.contentType;
  if (failed) return <p className="lightbox-file muted">This {part.kind === 'image' ? 'image' : part.kind === 'video' ? 'video' : 'audio clip'} could not be shown in the browser: download the original.</p>;
  const onError = (): void => {
    setFailed(true);
  };
  switch (part.kind) {
    case 'image':
      return <img src={viewUrl(part)} alt={part.name ?? 'image attachment'} draggable={false} onError={onError} />;
    case 'video':
      return <video className="lightbox-video" src={viewUrl(part)} poster={thumbUrl(part, 320)} controls preload="metadata" aria-label={`Video ${name}`} onError={onError} />;
    case 'audio':
      return (
        <FileTile part={part} name={name}>
          <audio src={viewUrl(part)} controls preload="metadata" aria-label={`Audio ${name}`} onError={onError} />
        </FileTile>
      );
    case 'vcard':
      return <VCardView url={part.url} name={name} />;
    default:
      return <FileTile part={part} name={name}>{part.size !== undefined && part.size !== null && <span className="muted">{formatBytes(part.size)}</span>}</FileTile>;
  }
}

/** What is not a picture: its kind's icon and its name, then what it offers (a player, its size). */
function FileTile({ part, name, children }: { part: Pick<LightboxMedia, 'kind'>; name: string; children: ReactNode }): ReactNode {
  return (
    <div className="lightbox-file">
      <span className="lightbox-icon" aria-hidden="true">
        {mediaIcon(part.kind)}
      </span>
      <span>{name}</span>
      {children}
    </div>
  );
}

/** A contact card read as the card it is (the part's text, fetched once); its icon and name until then or if it cannot be read. */
function VCardView({ url, name }: { url: string; name: string }): ReactNode {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch(url, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((t) => {
        if (live) setText(t);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <div className="lightbox-file">
      {text === null ? (
        <>
          <span className="lightbox-icon" aria-hidden="true">
            {mediaIcon('vcard')}
          </span>
          <span>{name}</span>
        </>
      ) : (
        <VCardCard text={text} />
      )}
    </div>
  );
}
