import { useEffect, useState, type ReactNode } from 'react';
import type { Part } from '../api/types';
import { formatBytes } from '../format';
import { LinkedText } from './LinkedText';
import { VCardCard } from './VCardCard';

function downloadUrl(part: Part): string {
  return `${part.url}${part.url.includes('?') ? '&' : '?'}download=1`;
}

function partLabel(part: Part): string {
  return part.name ?? part.contentType;
}

/** One MMS attachment inline: media lazily loaded, vCards as cards, anything else as a download. */
/** `full`: photos at their full (converted) size, loaded at once: for printing, where a 320 px thumbnail stretched over the page is blurred and a lazy image may not be there in time. */
export function PartView({ part, onOpenImage, full = false }: { part: Part; onOpenImage: (part: Part) => void; full?: boolean }): ReactNode {
  if (part.damaged !== null) {
    return (
      <p className="part-damaged" role="note">
        ⚠ Attachment {partLabel(part)} is damaged: {part.damaged}
      </p>
    );
  }
  switch (part.kind) {
    case 'image':
      return <ImagePart part={part} onOpenImage={onOpenImage} full={full} />;
    case 'video':
    case 'audio':
      return <PlayablePart part={part} />;
    case 'vcard':
      return <VCardPart part={part} />;
    case 'text':
      return part.text === null ? null : (
        <p className="part-text">
          <LinkedText text={part.text} />
        </p>
      );
    case 'other':
      return <DownloadLink part={part} />;
  }
}

/** What the browser can show of a part: the original, or the server's conversion of it (HEIC -> JPEG, 3GP -> MP4, AMR -> M4A). */
export function viewUrl(part: { url: string }): string {
  return `${part.url}/view`;
}

/** A photo's or a video poster's thumbnail: 160 px for the grid, 320 px for a bubble (or the grid on a 2x screen). */
export function thumbUrl(part: { url: string }, width: 160 | 320): string {
  return `${part.url}/thumb/${String(width)}`;
}

/** The icon of a part with no picture of its own (a tile in the gallery, the lightbox). */
export function mediaIcon(kind: string): string {
  if (kind === 'audio') return '🎵';
  if (kind === 'vcard') return '👤';
  if (kind === 'video') return '🎬';
  if (kind === 'image') return '🖼';
  return '📄';
}

/** Why the browser shows only a download: the server could not convert the file (or has no converter). */
function NotShown({ part, what }: { part: Part; what: string }): ReactNode {
  return (
    <div className="part-not-shown" role="note">
      <p className="muted">This {what} could not be shown in the browser.</p>
      <DownloadLink part={part} />
    </div>
  );
}

/**
 * A photo as a thumbnail (160 or 320 px, by srcset: never the full size in a bubble); an animated
 * GIF as itself. If the thumbnail fails (a file that cannot be converted) the view is tried, then
 * the download is offered.
 */
function ImagePart({ part, onOpenImage, full }: { part: Part; onOpenImage: (part: Part) => void; full: boolean }): ReactNode {
  const [stage, setStage] = useState<'thumb' | 'view' | 'failed'>(full || part.contentType.toLowerCase() === 'image/gif' ? 'view' : 'thumb');
  if (stage === 'failed') return <NotShown part={part} what="image" />;
  const src = stage === 'thumb' ? thumbUrl(part, 320) : viewUrl(part);
  return (
    <button type="button" className="part-image" aria-label={`Open image ${partLabel(part)} full size`} onClick={() => { onOpenImage(part); }}>
      <img
        src={src}
        srcSet={stage === 'thumb' ? `${thumbUrl(part, 160)} 160w, ${thumbUrl(part, 320)} 320w` : undefined}
        sizes={stage === 'thumb' ? '320px' : undefined}
        alt={part.name ?? 'image attachment'}
        loading={full ? 'eager' : 'lazy'}
        decoding="async"
        onError={() => { setStage(stage === 'thumb' ? 'view' : 'failed'); }}
      />
    </button>
  );
}

/**
 * Video and audio from the view URL (converted to MP4/M4A on the server when the browser cannot
 * play the original). Nothing is fetched before play but a video's poster (a thumbnail): a thread of
 * 3GP videos is not transcoded just by opening it.
 */
function PlayablePart({ part }: { part: Part }): ReactNode {
  const [failed, setFailed] = useState(false);
  if (failed) return <NotShown part={part} what={part.kind === 'video' ? 'video' : 'audio clip'} />;
  const onError = (): void => { setFailed(true); };
  if (part.kind === 'audio') return <audio className="part-audio" src={viewUrl(part)} controls preload="none" aria-label={`Audio ${partLabel(part)}`} onError={onError} />;
  return <video className="part-video" src={viewUrl(part)} poster={thumbUrl(part, 320)} controls preload="none" aria-label={`Video ${partLabel(part)}`} onError={onError} />;
}

function DownloadLink({ part }: { part: Part }): ReactNode {
  return (
    <a className="part-download" href={downloadUrl(part)} download={part.name ?? true}>
      <span aria-hidden="true">📎</span> {partLabel(part)}
      {part.size !== null && <span className="muted"> ({formatBytes(part.size)})</span>}
    </a>
  );
}

function VCardPart({ part }: { part: Part }): ReactNode {
  const [text, setText] = useState<string | null>(part.text);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (part.text !== null) return;
    let live = true;
    fetch(part.url, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((t) => {
        if (live) setText(t);
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, [part.text, part.url]);
  if (failed) return <DownloadLink part={part} />;
  if (text === null) return <p className="muted">Loading contact…</p>;
  return (
    <div>
      <VCardCard text={text} />
      <DownloadLink part={part} />
    </div>
  );
}
