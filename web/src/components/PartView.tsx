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
export function PartView({ part, onOpenImage }: { part: Part; onOpenImage: (part: Part) => void }): ReactNode {
  if (part.damaged !== null) {
    return (
      <p className="part-damaged" role="note">
        ⚠ Attachment {partLabel(part)} is damaged: {part.damaged}
      </p>
    );
  }
  switch (part.kind) {
    case 'image':
      return (
        <button type="button" className="part-image" aria-label={`Open image ${partLabel(part)} full size`} onClick={() => { onOpenImage(part); }}>
          <img src={part.url} alt={part.name ?? 'image attachment'} loading="lazy" decoding="async" />
        </button>
      );
    case 'video':
      return <video className="part-video" src={part.url} controls preload="metadata" aria-label={`Video ${partLabel(part)}`} />;
    case 'audio':
      return <audio className="part-audio" src={part.url} controls preload="none" aria-label={`Audio ${partLabel(part)}`} />;
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
