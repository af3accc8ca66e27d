import { useEffect, useRef, type ReactNode } from 'react';
import type { Part } from '../api/types';
import { viewUrl } from './PartView';

/** A full-size image in a modal <dialog> (Esc and the close button dismiss it; focus is trapped by the browser). */
export function Lightbox({ part, onClose }: { part: Part; onClose: () => void }): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d !== null && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="lightbox" aria-label={`Image ${part.name ?? ''}`} onClose={onClose} onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <img src={viewUrl(part)} alt={part.name ?? 'image attachment'} />
      <div className="lightbox-tools">
        <a href={`${part.url}?download=1`} download={part.name ?? true}>
          Download
        </a>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
