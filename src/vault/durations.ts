/**
 * Durations as people write them in settings ("3d", "12h", "90m", "45s", or milliseconds): how
 * long a source may stay quiet, how long an export is kept. Each caller throws its own error
 * (a source's, a setting's) with `notADuration`'s words.
 */
export const DAY_MS = 24 * 3600 * 1000;

const FACTOR: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * (FACTOR[(m[2] ?? 'ms').toLowerCase()] ?? 1));
}

export function notADuration(text: string): string {
  return `"${text}" is not a duration: use e.g. 3d, 12h, 30m or 10s`;
}

export function formatDuration(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
