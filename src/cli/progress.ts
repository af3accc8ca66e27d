/**
 * A progress bar on an interactive terminal (bytes read / total, records per second, ETA);
 * nothing at all when output is piped or in --json mode. It appears only once the work has taken
 * SHOW_AFTER_MS (a small file is done before a bar could say anything useful), and its ETA only
 * once ETA_AFTER_MS of progress give a rate worth extrapolating. "records": messages, calls or
 * contacts, whichever the file holds.
 */
import cliProgress from 'cli-progress';
import { formatBytes } from './context.js';

export interface ProgressReporter {
  update(done: number, total: number, records: number): void;
  stop(): void;
}

const SILENT: ProgressReporter = { update: () => undefined, stop: () => undefined };

export const SHOW_AFTER_MS = 1000;
export const ETA_AFTER_MS = 3000;

/** "12 s", "4 min", "1 h 5 min"; "…" while there is no rate yet. */
export function etaText(done: number, total: number, elapsedMs: number): string {
  if (elapsedMs < ETA_AFTER_MS || done <= 0 || total <= done) return '…';
  const seconds = Math.round(((total - done) * elapsedMs) / done / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** What `done` and `total` count: bytes of input (imports) or records written (exports). */
export type ProgressUnit = 'bytes' | 'records';

export function progressBar(label: string, enabled: boolean, unit: ProgressUnit = 'bytes'): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return SILENT;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {doneBytes} / {totalBytes} | {rate} records/s | ETA {etaText}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(done, total, records) {
      const elapsed = Date.now() - started;
      if (!begun && elapsed < SHOW_AFTER_MS) return;
      const seconds = Math.max(elapsed / 1000, 0.001);
      const amount = unit === 'bytes' ? formatBytes : (n: number): string => n.toLocaleString('en-US');
      const payload = { doneBytes: amount(done), totalBytes: amount(total), rate: Math.round(records / seconds).toLocaleString('en-US'), etaText: etaText(done, total, elapsed) };
      if (!begun) {
        bar.start(Math.max(total, 1), Math.min(done, total), payload);
        begun = true;
      } else {
        bar.update(Math.min(done, total), payload);
      }
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}

/** Runs work that reports (done, total) with a bar that is always taken down, even on failure. */
export async function withProgressBar<T>(label: string, enabled: boolean, unit: ProgressUnit, work: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const bar = progressBar(label, enabled, unit);
  try {
    return await work((done, total) => {
      bar.update(done, total, done);
    });
  } finally {
    bar.stop();
  }
}
