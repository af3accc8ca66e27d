import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The browser's own modal <dialog> (focus kept inside, Escape closes, the page behind inert),
 * open while mounted; `onClose` runs however it was closed.
 */
export function ModalDialog({ title, titleId, className, onClose, children }: { title: string; titleId: string; className?: string; onClose: () => void; children: ReactNode }): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d !== null && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className={className === undefined ? 'modal' : `modal ${className}`} aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="row modal-close">
        <button
          type="button"
          onClick={() => {
            ref.current?.close();
          }}
        >
          Close
        </button>
      </div>
    </dialog>
  );
}
