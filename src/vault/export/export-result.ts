/** What every export reports back to its caller (CLI, server). */
import type { ExportFormat } from '../../formats/formats.js';

export interface ExportOutputFile {
  path: string;
  /** `messages`, `calls`, `conversation`, `site`, ... */
  kind: string;
  records: number;
  bytes: number;
}

export interface ExportResult {
  format: ExportFormat;
  files: ExportOutputFile[];
  messages: number;
  calls: number;
  warnings: string[];
}

export interface ExportProgress {
  /** Called after each record with the records done and the total the export will write. */
  onProgress?: (done: number, total: number) => void;
}

/** Calls the progress callback at most every 50 ms plus once at the end, so a hot loop stays hot. */
export function throttled(onProgress: ExportProgress['onProgress'], total: number): { tick(): void; done(): void; count: number } {
  let last = 0;
  const state = {
    count: 0,
    tick(): void {
      state.count++;
      if (onProgress === undefined || (state.count & 255) !== 0) return;
      const now = Date.now();
      if (now - last < 50) return;
      last = now;
      onProgress(state.count, total);
    },
    done(): void {
      onProgress?.(state.count, total);
    },
  };
  return state;
}
