// The gallery's bookkeeping (issue 25), free of React so it can be tested alone: which item sits at
// which place of the newest-first grid, which page to ask for next, and where each row is drawn.
import type { GalleryItem, GalleryMonth } from './api/types.js';

/**
 * The months of a filtered gallery, newest first, with where each starts in the newest-first
 * order: `offsets[m]` items are newer than month m; `offsets[months.length]` is the total.
 */
export interface MonthIndex {
  months: readonly GalleryMonth[];
  offsets: readonly number[];
  total: number;
}

export function monthIndex(months: readonly GalleryMonth[]): MonthIndex {
  const offsets = [0];
  let total = 0;
  for (const m of months) {
    total += m.count;
    offsets.push(total);
  }
  return { months, offsets, total };
}

/** The month holding the item at `place` (0 is the newest), by binary search. */
export function monthOf(index: MonthIndex, place: number): number {
  let lo = 0;
  let hi = index.months.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((index.offsets[mid] ?? 0) <= place) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One request for a page of the gallery, and how its items find their places once it answers. */
export type PageRequest =
  /** The newest page: its newest item is place 0. */
  | { kind: 'newest' }
  /** Older than a loaded run that ends (exclusive) at `end`: its newest item is place `end`. */
  | { kind: 'older'; cursor: string; end: number }
  /** Newer than a loaded run that starts at `start`: its oldest item is place `start - 1`. */
  | { kind: 'newer'; cursor: string; start: number }
  /**
   * Opened at a month boundary `ms` (a month's first millisecond): items older than it are the
   * months after the boundary in the grid, whose newest item is place `olderFrom`.
   */
  | { kind: 'date'; ms: number; olderFrom: number };

/** A request's identity, to give up on one that brought nothing new (counts that changed under the reader). */
export function requestKey(r: PageRequest): string {
  switch (r.kind) {
    case 'newest':
      return 'newest';
    case 'older':
      return `older:${r.cursor}`;
    case 'newer':
      return `newer:${r.cursor}`;
    case 'date':
      return `date:${String(r.ms)}`;
  }
}

/** The place of a page's newest item (pages arrive oldest first). */
export function placeOfNewest(r: PageRequest, items: readonly GalleryItem[]): number {
  switch (r.kind) {
    case 'newest':
      return 0;
    case 'older':
      return r.end;
    case 'newer':
      return r.start - items.length;
    case 'date': {
      const older = items.filter((i) => i.date < r.ms).length;
      // items[older - 1] is the newest item before the boundary: place olderFrom.
      return r.olderFrom + older - items.length;
    }
  }
}

/** A run of loaded places [start, end), with the cursors that extend it: `newer` before start, `older` after end. */
interface Run {
  start: number;
  end: number;
  newer: string | null;
  older: string | null;
}

/** Pages in the order the API gives them: a page of `limit` items grows a run by that much. */
export class GalleryCache {
  readonly slots: (GalleryItem | undefined)[];
  private runs: Run[] = [];
  private readonly dead = new Set<string>();

  constructor(
    readonly index: MonthIndex,
    readonly limit: number,
  ) {
    this.slots = new Array<GalleryItem | undefined>(index.total);
  }

  at(place: number): GalleryItem | undefined {
    return this.slots[place];
  }

  /** Puts a page in its places and joins it to the runs it touches; false when it brought nothing new. */
  add(r: PageRequest, page: { items: readonly GalleryItem[]; prevCursor: string | null; nextCursor: string | null }): boolean {
    const items = page.items;
    const newest = placeOfNewest(r, items);
    let fresh = false;
    for (const [i, item] of items.entries()) {
      const place = newest + items.length - 1 - i;
      if (place < 0 || place >= this.index.total) continue;
      if (this.slots[place] === undefined) fresh = true;
      this.slots[place] = item;
    }
    if (!fresh) this.dead.add(requestKey(r));
    if (items.length === 0) return false;
    // prevCursor loads older items (further down the grid), nextCursor newer ones.
    let run: Run = { start: newest, end: newest + items.length, newer: page.nextCursor, older: page.prevCursor };
    const keep: Run[] = [];
    for (const o of this.runs) {
      if (o.start > run.end || o.end < run.start) {
        keep.push(o);
        continue;
      }
      run = {
        start: Math.min(o.start, run.start),
        end: Math.max(o.end, run.end),
        newer: o.start < run.start ? o.newer : run.newer,
        older: o.end > run.end ? o.older : run.older,
      };
    }
    keep.push(run);
    keep.sort((a, b) => a.start - b.start);
    this.runs = keep;
    return fresh;
  }

  /**
   * The next page to ask for so that places [from, to] are loaded, or null when they are (or
   * cannot be). From the nearest loaded run by its cursor when that is close; else opened at the
   * nearer end of the month that holds the first missing place (its newest items: the boundary
   * with the newer month; its oldest: its own first millisecond).
   */
  plan(from: number, to: number): PageRequest | null {
    const total = this.index.total;
    const lo = Math.max(0, from);
    const hi = Math.min(total - 1, to);
    let first = -1;
    for (let p = lo; p <= hi; p++) {
      if (this.slots[p] === undefined) {
        first = p;
        break;
      }
    }
    if (first < 0) return null;
    const above = this.runs.filter((r) => r.end <= first).at(-1);
    const below = this.runs.find((r) => r.start > first);
    const gapEnd = below?.start ?? total;
    const last = Math.min(hi, gapEnd - 1);
    const options: { cost: number; request: PageRequest }[] = [];
    if (above !== undefined && above.older !== null) options.push({ cost: first - above.end, request: { kind: 'older', cursor: above.older, end: above.end } });
    if (below !== undefined && below.newer !== null) options.push({ cost: below.start - 1 - last, request: { kind: 'newer', cursor: below.newer, start: below.start } });
    const m = monthOf(this.index, first);
    const top = this.index.offsets[m] ?? 0;
    const bottom = this.index.offsets[m + 1] ?? total;
    const month = this.index.months[m];
    const newerMonth = this.index.months[m - 1];
    // An opened page holds half a page each side of its boundary: count it half as far.
    const half = this.limit / 2;
    options.push({ cost: first - top + half, request: m === 0 || newerMonth === undefined ? { kind: 'newest' } : { kind: 'date', ms: newerMonth.start, olderFrom: top } });
    if (month !== undefined) options.push({ cost: bottom - 1 - last + half, request: { kind: 'date', ms: month.start, olderFrom: bottom } });
    const live = options.filter((o) => !this.dead.has(requestKey(o.request)));
    live.sort((a, b) => a.cost - b.cost);
    return live[0]?.request ?? null;
  }
}

/** How the grid is drawn at a given width: square tiles, a header above each month. */
export interface GridLayout {
  columns: number;
  /** A tile's side in CSS pixels. */
  tile: number;
  gap: number;
  /** A row's height: a tile and the gap below it. */
  rowHeight: number;
  headerHeight: number;
  /** Where month m's header starts; `monthTops[months]` is the whole height. */
  monthTops: number[];
  /** How many rows of tiles month m has. */
  rows: number[];
}

export const HEADER_HEIGHT = 40;
export const TILE_GAP = 3;

/** Three or four columns on a phone, one per ~150 px on a wider screen (up to ten). */
export function columnsFor(width: number): number {
  if (width < 330) return 3;
  if (width < 640) return 4;
  return Math.min(10, Math.floor(width / 150));
}

export function gridLayout(index: MonthIndex, width: number): GridLayout {
  const columns = columnsFor(width);
  const tile = Math.max(40, (width - TILE_GAP * (columns - 1)) / columns);
  const rowHeight = tile + TILE_GAP;
  const monthTops = [0];
  const rows: number[] = [];
  let y = 0;
  for (const m of index.months) {
    const r = Math.ceil(m.count / columns);
    rows.push(r);
    y += HEADER_HEIGHT + r * rowHeight;
    monthTops.push(y);
  }
  return { columns, tile, gap: TILE_GAP, rowHeight, headerHeight: HEADER_HEIGHT, monthTops, rows };
}

/** One drawn line of the grid: a month's header, or a row of up to `columns` places. */
export type GridLine = { kind: 'header'; month: number; top: number } | { kind: 'row'; month: number; row: number; top: number; first: number; count: number };

/** The lines that cross [top, bottom) (CSS pixels from the grid's top). */
export function linesIn(index: MonthIndex, layout: GridLayout, top: number, bottom: number): GridLine[] {
  const lines: GridLine[] = [];
  const tops = layout.monthTops;
  // The last month whose header starts at or above `top`.
  let lo = 0;
  let hi = index.months.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((tops[mid] ?? 0) <= top) lo = mid;
    else hi = mid - 1;
  }
  for (let m = lo; m < index.months.length && (tops[m] ?? Infinity) < bottom; m++) {
    const mTop = tops[m] ?? 0;
    if (mTop + layout.headerHeight > top) lines.push({ kind: 'header', month: m, top: mTop });
    const rowsTop = mTop + layout.headerHeight;
    const rows = layout.rows[m] ?? 0;
    const firstRow = Math.max(0, Math.floor((top - rowsTop) / layout.rowHeight));
    const lastRow = Math.min(rows - 1, Math.ceil((bottom - rowsTop) / layout.rowHeight) - 1);
    const count = index.months[m]?.count ?? 0;
    const offset = index.offsets[m] ?? 0;
    for (let r = firstRow; r <= lastRow; r++) {
      const first = offset + r * layout.columns;
      lines.push({ kind: 'row', month: m, row: r, top: rowsTop + r * layout.rowHeight, first, count: Math.min(layout.columns, offset + count - first) });
    }
  }
  return lines;
}

/** Where the row holding `place` starts (CSS pixels from the grid's top). */
export function topOfPlace(index: MonthIndex, layout: GridLayout, place: number): number {
  const m = monthOf(index, place);
  const row = Math.floor((place - (index.offsets[m] ?? 0)) / layout.columns);
  return (layout.monthTops[m] ?? 0) + layout.headerHeight + row * layout.rowHeight;
}

// Made once: a formatter costs far more to make than to use, and the grid labels months every frame.
const monthFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long' });

/** "2024-03" as "March 2024" in the browser's language. */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  if (y === undefined || m === undefined || Number.isNaN(y) || Number.isNaN(m)) return month;
  return monthFmt.format(new Date(y, m - 1, 1));
}
