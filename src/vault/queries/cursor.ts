/**
 * Keyset paging shared by every list: a cursor names the last row a page ended on, so the next
 * page is one index seek however deep the reader has scrolled (no OFFSET scans).
 */

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor the client sent that this server did not make. */
export class BadCursorError extends Error {
  override readonly name = 'BadCursorError';
  constructor() {
    super('the paging cursor is not valid: start again from the first page');
  }
}

/** Clamps a requested page size to 1..MAX_LIMIT so no request can ask for an unbounded list. */
export function clampLimit(limit: number | undefined, fallback = DEFAULT_LIMIT): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/** A (date, id) position: the sort key of messages, calls and search hits. */
export interface Position {
  date: number;
  id: number;
}

export function encodeCursor(values: readonly number[]): string {
  return Buffer.from(values.join('.'), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, count: number): number[] {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = text.split('.');
  if (parts.length !== count) throw new BadCursorError();
  const values = parts.map(Number);
  if (values.some((v) => !Number.isSafeInteger(v))) throw new BadCursorError();
  return values;
}

export function encodePosition(p: Position): string {
  return encodeCursor([p.date, p.id]);
}

export function decodePosition(cursor: string): Position {
  const [date, id] = decodeCursor(cursor, 2);
  if (date === undefined || id === undefined) throw new BadCursorError();
  return { date, id };
}

/** Which way a walk goes from a position: towards the oldest or the newest row. */
export type WalkDirection = 'older' | 'newer';

/**
 * Up to `n` rows strictly older/newer than `from` (at or beyond it with `inclusive`; from either end
 * when undefined), in ascending order.
 */
export type Walk<R, P> = (dir: WalkDirection, n: number, from: P | undefined, inclusive: boolean) => Promise<R[]>;

/** Where a two-way page opens: the newest rows, next to a cursor's row, or with `anchor` in its middle. */
export type PageStart<P> = { kind: 'newest' } | { kind: 'before'; from: P } | { kind: 'after'; from: P } | { kind: 'around'; anchor: P; inclusive: boolean };

export interface TwoWayRows<R> {
  /** Ascending. */
  rows: R[];
  moreOlder: boolean;
  moreNewer: boolean;
}

/** Where a client asks a two-way page to open (`date`: epoch ms). */
export type OpenAt = { kind: 'newest' } | { kind: 'before'; cursor: string } | { kind: 'after'; cursor: string } | { kind: 'date'; ms: number };

/** OpenAt as a PageStart: cursors decoded, a date as the position `beforeDate(ms)` that sorts just before every row of that date. */
export function pageStart<P>(at: OpenAt, decode: (cursor: string) => P, beforeDate: (ms: number) => P): PageStart<P> {
  switch (at.kind) {
    case 'newest':
      return at;
    case 'before':
    case 'after':
      return { kind: at.kind, from: decode(at.cursor) };
    case 'date':
      return { kind: 'around', anchor: beforeDate(at.ms), inclusive: false };
  }
}

/**
 * A page that can grow both ways (a thread, the timeline): one or two walks of at most `limit + 1`
 * rows, the extra row telling whether there is more that way. Around an anchor, the anchor opens
 * the newer half so it sits in the page's middle (a side with fewer rows leaves its room to the
 * other); an anchor past the newest row gives the newest page.
 */
export async function twoWayPage<R, P>(walk: Walk<R, P>, at: PageStart<P>, limit: number): Promise<TwoWayRows<R>> {
  if (at.kind === 'newest' || at.kind === 'before') {
    const from = at.kind === 'before' ? at.from : undefined;
    const older = await walk('older', limit + 1, from, false);
    // Coming back from a newer page: there is something newer by construction.
    return { rows: older.length > limit ? older.slice(1) : older, moreOlder: older.length > limit, moreNewer: from !== undefined };
  }
  if (at.kind === 'after') {
    const newer = await walk('newer', limit + 1, at.from, false);
    return { rows: newer.slice(0, limit), moreOlder: true, moreNewer: newer.length > limit };
  }
  const newerRows = await walk('newer', limit + 1, at.anchor, at.inclusive);
  const room = limit - Math.min(newerRows.length, limit - Math.floor(limit / 2));
  let older = await walk('older', room + 1, at.anchor, false);
  const moreOlder = older.length > room;
  if (moreOlder) older = older.slice(1);
  // Near the oldest row the newer side fills what the older one could not.
  const newer = newerRows.slice(0, limit - older.length);
  const moreNewer = newerRows.length > newer.length;
  return { rows: [...older, ...newer], moreOlder, moreNewer };
}
