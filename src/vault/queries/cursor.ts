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
