/**
 * A progress bar on an interactive terminal (bytes read / total, messages per second, ETA);
 * nothing at all when output is piped or in --json mode.
 */
import cliProgress from 'cli-progress';
import { formatBytes } from './context.js';

export interface ProgressReporter {
  update(done: number, total: number, records: number): void;
  stop(): void;
}

const SILENT: ProgressReporter = { update: () => undefined, stop: () => undefined };

/** What `done` and `total` count: bytes of input (imports) or records written (exports). */
export type ProgressUnit = 'bytes' | 'records';

export function progressBar(label: string, enabled: boolean, unit: ProgressUnit = 'bytes'): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return SILENT;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {doneBytes} / {totalBytes} | {rate} msg/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(done, total, records) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const amount = unit === 'bytes' ? formatBytes : (n: number): string => n.toLocaleString('en-US');
      const payload = { doneBytes: amount(done), totalBytes: amount(total), rate: Math.round(records / seconds).toLocaleString('en-US') };
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
