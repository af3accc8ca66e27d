import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet, errorMessage } from './client';
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

export interface PagedList<T> {
  items: T[];
  error: string | null;
  loading: boolean;
  /** True until the server says there is no next page. */
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** A cursor-paged list (`{items, nextCursor}`) that appends pages on demand. */
export function usePaged<T>(path: string): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [hasMore, setHasMore] = useState(true);
  const [tick, setTick] = useState(0);
  const cursor = useRef<string | null>(null);
  const generation = useRef(0);
  const busy = useRef(false);

  const fetchPage = useCallback(
    (first: boolean) => {
      const gen = generation.current;
      busy.current = true;
      setLoading(true);
      const sep = path.includes('?') ? '&' : '?';
      const url = first || cursor.current === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor.current)}`;
      apiGet<Page<T>>(url)
        .then((page) => {
          if (gen !== generation.current) return;
          cursor.current = page.nextCursor;
          setHasMore(page.nextCursor !== null);
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
    cursor.current = null;
    busy.current = false;
    setItems([]);
    setError(null);
    setHasMore(true);
    fetchPage(true);
  }, [fetchPage, tick]);

  const loadMore = useCallback(() => {
    if (busy.current || cursor.current === null) return;
    fetchPage(false);
  }, [fetchPage]);
  const reload = useCallback(() => {
    setTick((t) => t + 1);
  }, []);
  return { items, error, loading, hasMore, loadMore, reload };
}
