import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { apiGet, errorMessage } from './client';

/** Virtuoso wants a positive first index that only ever decreases as older pages are prepended. */
const START_INDEX = 1_000_000_000;

interface TwoWayPage<T> {
  items: T[];
  prevCursor: string | null;
  nextCursor: string | null;
}

export interface TwoWayLoaded<T> {
  items: T[];
  prevCursor: string | null;
  nextCursor: string | null;
  /** Virtuoso's index of `items[0]`. */
  firstItemIndex: number;
  /** Index in `items` to open at. */
  initialIndex: number;
}

export interface TwoWayList<T> {
  /** Null until the first page is in. */
  loaded: TwoWayLoaded<T> | null;
  error: string | null;
  loadOlder: () => void;
  loadNewer: () => void;
}

/**
 * A list that opens somewhere (`first`: the URL of its first page) and grows both ways as the
 * reader scrolls (`more`: the URL of the page before or after a cursor), as a thread and the
 * timeline do (`{ items, prevCursor, nextCursor }`). `openAt` picks the item to open at; it is read
 * when a first page arrives, so it may change on every render.
 */
export function useTwoWayPages<T>(first: string, more: (where: { before: string } | { after: string }) => string, openAt: (items: readonly T[]) => number): TwoWayList<T> {
  const [loaded, setLoaded] = useState<TwoWayLoaded<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef({ older: false, newer: false });
  const openAtNow = useRef(openAt);
  const moreNow = useRef(more);
  useLayoutEffect(() => {
    openAtNow.current = openAt;
    moreNow.current = more;
  });

  useEffect(() => {
    let live = true;
    setLoaded(null);
    setError(null);
    busy.current = { older: false, newer: false };
    apiGet<TwoWayPage<T>>(first)
      .then((page) => {
        if (!live) return;
        const initialIndex = Math.max(0, Math.min(page.items.length - 1, openAtNow.current(page.items)));
        setLoaded({ ...page, firstItemIndex: START_INDEX, initialIndex });
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [first]);

  const load = useCallback(
    (way: 'older' | 'newer') => {
      const cursor = way === 'older' ? loaded?.prevCursor : loaded?.nextCursor;
      if (cursor === null || cursor === undefined || busy.current[way]) return;
      busy.current[way] = true;
      apiGet<TwoWayPage<T>>(moreNow.current(way === 'older' ? { before: cursor } : { after: cursor }))
        .then((page) => {
          setLoaded((cur) => {
            if (cur === null) return cur;
            return way === 'older'
              ? { ...cur, items: [...page.items, ...cur.items], prevCursor: page.prevCursor, firstItemIndex: cur.firstItemIndex - page.items.length }
              : { ...cur, items: [...cur.items, ...page.items], nextCursor: page.nextCursor };
          });
        })
        .catch((e: unknown) => {
          setError(errorMessage(e));
        })
        .finally(() => {
          busy.current[way] = false;
        });
    },
    [loaded],
  );
  const loadOlder = useCallback(() => {
    load('older');
  }, [load]);
  const loadNewer = useCallback(() => {
    load('newer');
  }, [load]);
  return { loaded, error, loadOlder, loadNewer };
}

export interface ScrollMemory {
  /** Virtuoso's isScrolling and rangeChanged. */
  isScrolling: (scrolling: boolean) => void;
  rangeChanged: (range: { startIndex: number; endIndex: number }) => void;
  /** Drops a write still waiting (before the page navigates elsewhere). */
  forget: () => void;
}

/**
 * Writes where the reader has scrolled to (the item in the middle of the view, as `paramsOf` turns
 * it into URL parameters; null removes one) into this history entry's URL, debounced, so Back, a
 * reload or a bookmark opens the list there. Through history.replaceState, outside the router: a
 * router navigation would load the list again at every scroll. Only after the reader scrolled:
 * opening somewhere does not rewrite the URL that asked for it.
 */
export function useScrollMemory<T>(loaded: TwoWayLoaded<T> | null, paramsOf: (item: T) => Record<string, string | null>): ScrollMemory {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const userScrolled = useRef(false);
  const forget = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  }, []);
  useEffect(() => forget, [forget]);
  const fresh = loaded === null;
  useEffect(() => {
    if (!fresh) return;
    userScrolled.current = false;
    forget();
  }, [fresh, forget]);
  const isScrolling = useCallback((scrolling: boolean) => {
    if (scrolling) userScrolled.current = true;
  }, []);
  const rangeChanged = (range: { startIndex: number; endIndex: number }): void => {
    const middle = loaded?.items[Math.floor((range.startIndex + range.endIndex) / 2) - loaded.firstItemIndex];
    if (!userScrolled.current || middle === undefined) return;
    forget();
    const params = paramsOf(middle);
    timer.current = setTimeout(() => {
      const url = new URL(window.location.href);
      for (const [k, v] of Object.entries(params)) {
        if (v === null) url.searchParams.delete(k);
        else url.searchParams.set(k, v);
      }
      window.history.replaceState(window.history.state, '', url);
    }, 250);
  };
  return { isScrolling, rangeChanged, forget };
}
