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

export function progressBar(label: string, enabled: boolean): ProgressReporter {
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
      const payload = { doneBytes: formatBytes(done), totalBytes: formatBytes(total), rate: Math.round(records / seconds).toLocaleString('en-US') };
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
