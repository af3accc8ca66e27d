import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * True while the page is being printed. Virtualised lists render only the rows on screen inside
 * a fixed-height scroller, which prints as a blank page; a page that lists messages switches to a
 * plain list while this is true. `beforeprint` renders synchronously (flushSync) because the
 * browser lays out the print right after the event; the print media query covers printing
 * without the event (headless Chromium's PDF with print media emulated).
 */
export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => window.matchMedia('print').matches);
  useEffect(() => {
    const query = window.matchMedia('print');
    const onQuery = (): void => {
      setPrinting(query.matches);
    };
    const before = (): void => {
      flushSync(() => {
        setPrinting(true);
      });
    };
    const after = (): void => {
      setPrinting(query.matches);
    };
    query.addEventListener('change', onQuery);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      query.removeEventListener('change', onQuery);
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);
  return printing;
}
