import { useCallback, useEffect, useRef, useState } from 'react';
import { GalleryCache, monthIndex, type MonthIndex, type PageRequest } from '../gallery';
import { apiGet, errorMessage, withQuery } from './client';
import type { GalleryItem, GalleryMonths, GalleryPage } from './types';

/** Items per request: a phone screen shows ~40 tiles, a desktop ~60. */
export const GALLERY_PAGE = 200;

/** What the gallery lists: one conversation's media or the whole archive's, by kind and person. */
export interface GalleryScope {
  conversation?: number;
  kind?: string;
  contact?: string;
}

export interface Gallery {
  /** Null until the month counts are in. */
  index: MonthIndex | null;
  error: string | null;
  /** The item at a place of the newest-first order (0 is the newest), if its page is loaded. */
  at: (place: number) => GalleryItem | undefined;
  /** Places the grid shows (with a margin): their pages load, one request at a time. */
  showing: (from: number, to: number) => void;
  /** Places the lightbox needs (around the open item): loaded before those the grid shows. */
  focusing: (range: readonly [number, number] | null) => void;
  /** Changes whenever a page arrives, so a render can read `at` again. */
  version: number;
}

function pageUrl(scope: GalleryScope, r: PageRequest): string {
  const where = r.kind === 'older' ? { before: r.cursor } : r.kind === 'newer' ? { after: r.cursor } : r.kind === 'date' ? { date: r.ms } : {};
  return withQuery('/api/gallery', { ...scope, ...where, limit: GALLERY_PAGE });
}

/**
 * A filtered gallery as a newest-first list whose length is known up front (the month counts):
 * pages are fetched for the places someone looks at, opened at a month boundary when they are far
 * from anything loaded, so a jump to 2014 in 50,000 photos is one request, not 250.
 */
export function useGallery(scope: GalleryScope): Gallery {
  const { conversation, kind, contact } = scope;
  const monthsUrl = withQuery('/api/gallery/months', { conversation, kind, contact });
  const [index, setIndex] = useState<MonthIndex | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const cache = useRef<GalleryCache | null>(null);
  const view = useRef<[number, number] | null>(null);
  const focus = useRef<readonly [number, number] | null>(null);
  const busy = useRef(false);
  const generation = useRef(0);

  const pump = useCallback(() => {
    const c = cache.current;
    if (c === null || busy.current) return;
    const wants = [focus.current, view.current].filter((w) => w !== null);
    let request: PageRequest | null = null;
    for (const [from, to] of wants) {
      request = c.plan(from, to);
      if (request !== null) break;
    }
    if (request === null) return;
    const r = request;
    const gen = generation.current;
    busy.current = true;
    apiGet<GalleryPage>(pageUrl({ conversation, kind, contact }, r))
      .then((page) => {
        if (gen !== generation.current) return;
        c.add(r, page);
        setVersion((v) => v + 1);
      })
      .catch((e: unknown) => {
        if (gen === generation.current) setError(errorMessage(e));
      })
      .finally(() => {
        if (gen !== generation.current) return;
        busy.current = false;
        // Stop after a failure: the next scroll asks again.
        if (cache.current === c) pumpNow.current();
      });
  }, [conversation, kind, contact]);
  const pumpNow = useRef(pump);
  useEffect(() => {
    pumpNow.current = pump;
  }, [pump]);

  useEffect(() => {
    const gen = ++generation.current;
    cache.current = null;
    busy.current = false;
    view.current = null;
    focus.current = null;
    setIndex(null);
    setError(null);
    apiGet<GalleryMonths>(monthsUrl)
      .then((months) => {
        if (gen !== generation.current) return;
        const idx = monthIndex(months.items);
        cache.current = new GalleryCache(idx, GALLERY_PAGE);
        setIndex(idx);
      })
      .catch((e: unknown) => {
        if (gen === generation.current) setError(errorMessage(e));
      });
  }, [monthsUrl]);

  const showing = useCallback((from: number, to: number) => {
    const cur = view.current;
    if (cur !== null && cur[0] === from && cur[1] === to) return;
    view.current = [from, to];
    pumpNow.current();
  }, []);
  const focusing = useCallback((range: readonly [number, number] | null) => {
    focus.current = range;
    pumpNow.current();
  }, []);
  const at = useCallback((place: number) => cache.current?.at(place), []);
  return { index, error, at, showing, focusing, version };
}
