/**
 * The gallery grid's bookkeeping (issue 25): pages of `/api/gallery` find their places in the
 * newest-first order that the month counts size up front, whether they were reached by cursor from
 * a loaded run or opened at a month boundary (the month jump); a far jump costs one request, and
 * the rows drawn for a scroll position are the ones on screen.
 */
import { describe, expect, it } from 'vitest';
import type { GalleryItem, GalleryMonth, GalleryPage } from '../../../web/src/api/types.js';
import { GalleryCache, gridLayout, linesIn, monthIndex, monthOf, topOfPlace, type PageRequest } from '../../../web/src/gallery.js';

const DAY = 86_400_000;

function item(id: number, date: number): GalleryItem {
  return {
    id,
    url: `/api/media/${String(id)}`,
    kind: 'image',
    contentType: 'image/jpeg',
    name: `IMG_${String(id)}.jpg`,
    size: 1000,
    messageId: id,
    conversationId: 1,
    conversationTitle: 'Sam',
    date,
    direction: 'in',
    sender: null,
  };
}

/**
 * The archive as the API pages it (oldest first, keyset cursors naming an edge item, a `date`
 * page around its boundary with the newer half from it): the model the web app is written against.
 */
class Archive {
  requests = 0;
  constructor(readonly items: GalleryItem[]) {}

  months(): GalleryMonth[] {
    const by = new Map<string, GalleryMonth>();
    for (const i of this.items) {
      const d = new Date(i.date);
      const month = `${String(d.getUTCFullYear())}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      const m = by.get(month) ?? { month, count: 0, start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) };
      m.count++;
      by.set(month, m);
    }
    return [...by.values()].sort((a, b) => b.start - a.start);
  }

  private page(from: number, to: number): GalleryPage {
    const lo = Math.max(0, from);
    const hi = Math.min(this.items.length, to);
    return { items: this.items.slice(lo, hi), prevCursor: lo > 0 ? String(lo) : null, nextCursor: hi < this.items.length ? String(hi - 1) : null };
  }

  get(r: PageRequest, limit: number): GalleryPage {
    this.requests++;
    const n = this.items.length;
    switch (r.kind) {
      case 'newest':
        return this.page(n - limit, n);
      case 'older':
        return this.page(Number(r.cursor) - limit, Number(r.cursor));
      case 'newer':
        return this.page(Number(r.cursor) + 1, Number(r.cursor) + 1 + limit);
      case 'date': {
        const at = this.items.findIndex((i) => i.date >= r.ms);
        const anchor = at < 0 ? n : at;
        const newer = Math.min(n - anchor, Math.ceil(limit / 2));
        const older = Math.min(anchor, limit - newer);
        return this.page(anchor - older, anchor - older + limit);
      }
    }
  }
}

/** `count` items over `months` months of 2020 onwards, unevenly (month m holds m+1 shares), oldest first. */
function archive(count: number, months: number): Archive {
  const items: GalleryItem[] = [];
  const shares = (months * (months + 1)) / 2;
  let id = 1;
  for (let m = 0; m < months; m++) {
    const inMonth = Math.round((count * (m + 1)) / shares);
    const start = Date.UTC(2020, m, 1);
    for (let k = 0; k < inMonth; k++) items.push(item(id++, start + Math.floor((k * 27 * DAY) / inMonth)));
  }
  return new Archive(items);
}

/** Loads what `plan` asks for until [from, to] is in; returns how many requests it took. */
function fill(cache: GalleryCache, a: Archive, from: number, to: number): number {
  const before = a.requests;
  for (let guard = 0; guard < 1000; guard++) {
    const r = cache.plan(from, to);
    if (r === null) return a.requests - before;
    cache.add(r, a.get(r, cache.limit));
  }
  throw new Error('plan never finished');
}

/** Place p holds the p-th newest item. */
function expectPlaced(cache: GalleryCache, a: Archive, from: number, to: number): void {
  const n = a.items.length;
  for (let p = from; p <= to; p++) expect(cache.at(p)?.id, `place ${String(p)}`).toBe(a.items[n - 1 - p]?.id);
}

describe('GalleryCache', () => {
  it('puts the newest page first and grows it by cursor as the reader scrolls down', () => {
    const a = archive(2000, 12);
    const index = monthIndex(a.months());
    expect(index.total).toBe(a.items.length);
    const cache = new GalleryCache(index, 100);
    expect(fill(cache, a, 0, 40)).toBe(1);
    expectPlaced(cache, a, 0, 99);
    // Scrolling down a screen at a time: each new page continues the run by its cursor.
    for (let top = 40; top < 600; top += 40) fill(cache, a, top, top + 40);
    expect(a.requests).toBe(7);
    expectPlaced(cache, a, 0, 640);
  });

  it('opens a far month at its boundary in one request, and fills the gap back up by cursor', () => {
    const a = archive(5000, 24);
    const index = monthIndex(a.months());
    const cache = new GalleryCache(index, 200);
    fill(cache, a, 0, 40);
    // The month jump: the top of month 15 (from the newest).
    const top = index.offsets[15] ?? 0;
    expect(fill(cache, a, top, top + 40)).toBe(1);
    expectPlaced(cache, a, top - 50, top + 40);
    // Near the bottom of a month: opened at that month's own start.
    const bottom = (index.offsets[4] ?? 0) - 1;
    expect(fill(cache, a, bottom - 30, bottom)).toBe(1);
    expectPlaced(cache, a, bottom - 30, bottom + 50);
    // Everything, however it was reached, lands in its place.
    fill(cache, a, 0, index.total - 1);
    expectPlaced(cache, a, 0, index.total - 1);
  });

  it('reaches the oldest item directly and stops at the end', () => {
    const a = archive(3000, 10);
    const index = monthIndex(a.months());
    const cache = new GalleryCache(index, 150);
    expect(fill(cache, a, index.total - 20, index.total + 20)).toBe(1);
    expectPlaced(cache, a, index.total - 20, index.total - 1);
    expect(cache.plan(index.total - 20, index.total + 20)).toBeNull();
  });

  it('gives up on a request that brings nothing new (counts that no longer match), instead of asking forever', () => {
    const a = archive(500, 3);
    const index = monthIndex(a.months());
    // The counts promise more than the archive holds now (items deleted since).
    const stale = monthIndex(index.months.map((m, i) => (i === 0 ? { ...m, count: m.count + 50 } : m)));
    const cache = new GalleryCache(stale, 100);
    expect(fill(cache, a, 0, stale.total - 1)).toBeLessThan(20);
  });
});

describe('grid layout', () => {
  it('draws only the rows on screen, with month headers at their known offsets', () => {
    const months: GalleryMonth[] = [
      { month: '2024-03', count: 10, start: Date.UTC(2024, 2, 1) },
      { month: '2024-01', count: 50_000, start: Date.UTC(2024, 0, 1) },
    ];
    const index = monthIndex(months);
    const layout = gridLayout(index, 390);
    expect(layout.columns).toBe(4);
    expect(monthOf(index, 9)).toBe(0);
    expect(monthOf(index, 10)).toBe(1);
    const top = layout.monthTops[1] ?? 0;
    expect(top).toBe(layout.headerHeight + 3 * layout.rowHeight);
    const height = layout.monthTops[2] ?? 0;
    expect(height).toBeCloseTo(2 * layout.headerHeight + (3 + 12_500) * layout.rowHeight, 5);
    // A phone screen (844 px) deep in the big month: about nine rows, no header.
    const lines = linesIn(index, layout, height / 2, height / 2 + 844);
    expect(lines.every((l) => l.kind === 'row')).toBe(true);
    expect(lines.length).toBeGreaterThan(7);
    expect(lines.length).toBeLessThan(11);
    const first = lines[0];
    expect(first?.kind === 'row' && topOfPlace(index, layout, first.first)).toBe(first?.top);
    // The top: the first header, three rows (the last with two tiles), the next header.
    const head = linesIn(index, layout, 0, top + layout.headerHeight);
    expect(head.map((l) => (l.kind === 'header' ? `h${String(l.month)}` : String(l.count)))).toEqual(['h0', '4', '4', '2', 'h1']);
    expect(gridLayout(index, 1100).columns).toBe(7);
  });
});
