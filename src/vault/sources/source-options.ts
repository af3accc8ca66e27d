/**
 * The plain values of source settings (kinds, actions, durations) and their parsers, apart from
 * the zod schemas (source-config.ts) so that the command line can offer them without loading zod.
 */
import { DAY_MS, notADuration, parseDuration } from '../durations.js';

export const SOURCE_KINDS = ['folder', 'imap', 'upload'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const AFTER_IMPORT = ['keep', 'move', 'delete'] as const;
export type AfterImport = (typeof AFTER_IMPORT)[number];

export const DEFAULT_EXPECTED_INTERVAL_MS = 3 * DAY_MS;

export class SourceConfigError extends Error {
  override readonly name = 'SourceConfigError';
}

/** A source setting's duration in milliseconds (vault/durations.ts), or a SourceConfigError. */
export function parseSourceDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new SourceConfigError(notADuration(text));
  return ms;
}
