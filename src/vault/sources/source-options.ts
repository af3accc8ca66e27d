/**
 * The plain values of source settings (kinds, actions, durations) and their parsers, apart from
 * the zod schemas (source-config.ts) so that the command line can offer them without loading zod.
 */
export const SOURCE_KINDS = ['folder', 'imap', 'upload'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const AFTER_IMPORT = ['keep', 'move', 'delete'] as const;
export type AfterImport = (typeof AFTER_IMPORT)[number];

export const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_EXPECTED_INTERVAL_MS = 3 * DAY_MS;

export class SourceConfigError extends Error {
  override readonly name = 'SourceConfigError';
}

/** "3d", "12h", "90m", "45s" or plain milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (m === null) throw new SourceConfigError(`"${text}" is not a duration: use e.g. 3d, 12h, 30m or 10s`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
  return Math.round(n * (factor[unit] ?? 1));
}

export function formatDuration(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
