/** What an SBR export's thread and its worker (sbr-export-worker.ts) say to each other. */
import type { SerializedError } from '../threads/thread-errors.js';
import type { MessageCursor } from './archive-reader.js';
import type { ResolvedSelection } from './selection.js';
import type { ExportedFile, SbrFilePlan } from './sbr-files.js';

export interface SbrExportJob {
  vaultDir: string;
  selection: ResolvedSelection;
  /** The first message of this half. */
  from: MessageCursor;
  plans: SbrFilePlan[];
  outDir: string;
  nowMs: number;
  legacyEmoji: boolean;
  /** Int32 slots: PROGRESS (records this worker has written) and STOP (set by the export's thread). */
  control: SharedArrayBuffer;
}

export const PROGRESS = 0;
export const STOP = 1;

export type FromExportWorker = { type: 'done'; files: ExportedFile[]; warnings: string[] } | { type: 'failed'; error: SerializedError };
