/**
 * Query-string shapes shared by the routes (zod): numbers arrive as strings, empty means absent.
 */
import { z } from 'zod';

const blankToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);

/**
 * Text from a query string: at most 500 characters, no NUL (%00 decodes to one, and SQLite's
 * full-text search fails on it: a 400 that says so, not a 500).
 */
export const queryText = z
  .string()
  .max(500)
  .refine((s) => !s.includes('\0'), 'must not contain a NUL character (%00)');

export const optionalInt = z.preprocess(blankToUndefined, z.coerce.number().int().optional());
export const optionalString = z.preprocess(blankToUndefined, queryText.optional());

export const Paging = z.object({ limit: optionalInt, cursor: optionalString });

export const IdParam = z.object({ id: z.coerce.number().int().positive() });

/** Drops control characters (C0, DEL, C1): they have no place in a file name or a header. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 && !(c >= 0x7f && c <= 0x9f)) out += ch;
  }
  return out;
}
