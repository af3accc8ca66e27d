/**
 * Building blocks of the API contract (docs/api.md) that the server and the web app both import:
 * plain zod, no Node, so the browser build can read the types.
 */
import { z } from 'zod';

/**
 * Every time on the wire is epoch milliseconds (a number): what the archive stores and what the
 * message dates always were; the web app formats it where it shows it.
 */
export const EpochMs = z.number().int();

const blankToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);

/**
 * Text from a query string: at most 500 characters, no NUL (%00 decodes to one, and SQLite's
 * full-text search fails on it: a 400 that says so, not a 500).
 */
export const queryText = z
  .string()
  .max(500)
  .refine((s) => !s.includes('\0'), 'must not contain a NUL character (%00)');

/** Numbers arrive as strings in a query; empty means absent. */
export const optionalInt = z.preprocess(blankToUndefined, z.coerce.number().int().optional());
export const optionalString = z.preprocess(blankToUndefined, queryText.optional());
/** One of a few words in a query; empty means absent. */
export const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) => z.preprocess(blankToUndefined, z.enum(values).optional());

export const Paging = z.object({ limit: optionalInt, cursor: optionalString });
export const IdParam = z.object({ id: z.coerce.number().int().positive() });
export const NoParams = z.object({});

/** A cursor-paged list: `{ items, nextCursor }`. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
/** A page that grows both ways (a thread, the timeline): `{ items, prevCursor, nextCursor }`, oldest first. */
export const twoWayPageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), prevCursor: z.string().nullable(), nextCursor: z.string().nullable() });
/** A list without paging: `{ items }`. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

export const ApiErrorBody = z.strictObject({ error: z.object({ code: z.string(), message: z.string(), id: z.string().optional() }) });

/** 202 for work handed to the job queue. */
export const JobAccepted = z.strictObject({ jobId: z.number().int() });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
export type JobAccepted = z.infer<typeof JobAccepted>;
