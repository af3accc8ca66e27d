import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet, errorMessage } from './client';
import { recall, remember } from './remembered';
import type { Page } from './types';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing yet) and re-fetches when it changes; stale answers are dropped. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    apiGet<T>(path)
      .then((d) => {
        if (live) setData(d);
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => {
    setTick((t) => t + 1);
  }, []);
  return { data, error, loading, reload };
}

export interface PagedList<T, P extends Page<T> = Page<T>> {
  items: T[];
  error: string | null;
  loading: boolean;
  /** True until the server says there is no next page. */
  hasMore: boolean;
  /** The latest page as the server sent it, for what it carries besides items (a search's total). */
  last: P | null;
  loadMore: () => void;
  reload: () => void;
}

interface PagedSnapshot<T, P> {
  path: string;
  items: T[];
  cursor: string | null;
  last: P | null;
}

/**
 * A cursor-paged list (`{items, nextCursor}`) that appends pages on demand. With `memoryKey` (the
 * history entry's key) the loaded pages are remembered, and coming back to that entry shows them
 * again without a fetch.
 */
export function usePaged<T, P extends Page<T> = Page<T>>(path: string, memoryKey?: string): PagedList<T, P> {
  const memory = memoryKey === undefined ? null : `paged:${memoryKey}`;
  // Read once, at mount: a snapshot for this very list, or nothing.
  const [restored] = useState(() => {
    const snap = memory === null ? undefined : (recall(memory) as PagedSnapshot<T, P> | undefined);
    return snap !== undefined && snap.path === path ? snap : null;
  });
  const [items, setItems] = useState<T[]>(restored?.items ?? []);
  const [last, setLast] = useState<P | null>(restored?.last ?? null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [hasMore, setHasMore] = useState(restored === null || restored.cursor !== null);
  const [tick, setTick] = useState(0);
  const cursor = useRef<string | null>(restored?.cursor ?? null);
  const generation = useRef(0);
  const busy = useRef(false);
  const skipFirst = useRef(restored !== null);

  const fetchPage = useCallback(
    (first: boolean) => {
      const gen = generation.current;
      busy.current = true;
      setLoading(true);
      const sep = path.includes('?') ? '&' : '?';
      const url = first || cursor.current === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor.current)}`;
      apiGet<P>(url)
        .then((page) => {
          if (gen !== generation.current) return;
          cursor.current = page.nextCursor;
          setHasMore(page.nextCursor !== null);
          setLast(page);
          setItems((prev) => (first ? page.items : [...prev, ...page.items]));
        })
        .catch((e: unknown) => {
          if (gen === generation.current) setError(errorMessage(e));
        })
        .finally(() => {
          if (gen === generation.current) {
            busy.current = false;
            setLoading(false);
          }
        });
    },
    [path],
  );

  useEffect(() => {
    generation.current++;
    busy.current = false;
    // The remembered pages stand in for the first fetch, once.
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    cursor.current = null;
    setItems([]);
    setLast(null);
    setError(null);
    setHasMore(true);
    fetchPage(true);
  }, [fetchPage, tick]);

  useEffect(() => {
    if (memory !== null) remember(memory, { path, items, cursor: cursor.current, last } satisfies PagedSnapshot<T, P>);
  }, [memory, path, items, last]);

  const loadMore = useCallback(() => {
    if (busy.current || cursor.current === null) return;
    fetchPage(false);
  }, [fetchPage]);
  const reload = useCallback(() => {
    setTick((t) => t + 1);
  }, []);
  return { items, error, loading, hasMore, last, loadMore, reload };
}
