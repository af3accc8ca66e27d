/**
 * Writes a selection of the archive as SMS Backup & Restore XML files the app restores:
 * `sms-<timestamp>.xml` (SMS and MMS interleaved by date) and `calls-<timestamp>.xml`, split into
 * files of at most `split` records. Each file is written under a temporary name and renamed only
 * when complete, so a partial file never sits under a final name. A large message export is
 * written in two halves at once, the second by a worker thread (sbr-export-worker.ts).
 */
import fs from 'node:fs';
import { DEFAULT_SPLIT } from './export-formats.js';

import type { MediaSource } from '../../formats/sbr/writer.js';
import { spawnWorker } from '../threads/spawn-worker.js';
import { reviveError } from '../threads/thread-errors.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { ExportError } from './export-error.js';
import { PROGRESS, STOP, type FromExportWorker, type SbrExportJob } from './sbr-export-protocol.js';
import { writeSbrFiles, type ExportedFile, type SbrFilePlan, type SbrFilesContext } from './sbr-files.js';
import { resolveSelection, SelectionError, type ExportSelection, type ResolvedSelection } from './selection.js';

export { ExportError } from './export-error.js';
export type { ExportedFile } from './sbr-files.js';

export interface SbrExportOptions {
  outDir: string;
  /** Records per file; 0 = everything in one file. */
  split?: number;
  legacyEmoji?: boolean;
  /** The export's timestamp (file names, backup_date); defaults to now. */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
  /** Write a large message export in two halves at once (default); false keeps it on this thread. */
  parallel?: boolean;
}

export interface SbrExportResult {
  files: ExportedFile[];
  messages: number;
  calls: number;
  warnings: string[];
}

/** Below this many messages a worker's start-up costs more than the second core saves. */
const PARALLEL_MIN_MESSAGES = 20_000;

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function planFiles(prefix: string, count: number, split: number, now: Date): SbrFilePlan[] {
  const per = split > 0 ? split : count;
  const parts = Math.ceil(count / per);
  return Array.from({ length: parts }, (_, part) => ({
    name: parts === 1 ? `${prefix}-${stamp(now)}.xml` : `${prefix}-${stamp(now)}-${String(part + 1).padStart(String(parts).length, '0')}.xml`,
    count: Math.min(per, count - part * per),
  }));
}

export async function exportSbr(vault: Vault, selection: ExportSelection, options: SbrExportOptions): Promise<SbrExportResult> {
  const sel = await resolveSelection(vault, selection);
  const reader = new ArchiveReader(vault);
  const split = options.split ?? DEFAULT_SPLIT;
  const now = options.now ?? new Date();
  const messageTotal = reader.countMessages(sel);
  const callTotal = reader.countCalls(sel);
  if (messageTotal + callTotal === 0) throw new SelectionError('nothing to export: the selection holds no messages or calls');
  prepareOutDir(options.outDir);

  const warnings: string[] = [];
  const media: MediaSource = { open: (sha256) => vault.blobs.chunks(sha256) };
  const total = messageTotal + callTotal;
  let done = 0;
  const context = (kind: 'messages' | 'calls'): SbrFilesContext => ({
    outDir: options.outDir,
    kind,
    now,
    legacyEmoji: options.legacyEmoji === true,
    media,
    warnings,
    onRecord: () => {
      options.onProgress?.(++done, total);
    },
  });
  const files: ExportedFile[] = [];
  if (messageTotal > 0) {
    const plans = planFiles('sms', messageTotal, split, now);
    if (options.parallel !== false && plans.length >= 2 && messageTotal >= PARALLEL_MIN_MESSAGES) {
      const onProgress = options.onProgress;
      const progress = onProgress === undefined ? undefined : (n: number) => {
        onProgress(n, total);
      };
      files.push(...(await writeInTwoHalves(vault, reader, sel, plans, context('messages'), progress)));
      done = messageTotal;
    } else {
      files.push(...(await writeSbrFiles(reader.messages(sel), plans, context('messages'))));
    }
  }
  if (callTotal > 0) files.push(...(await writeSbrFiles(reader.calls(sel), planFiles('calls', callTotal, split, now), context('calls'))));
  return { files, messages: messageTotal, calls: callTotal, warnings };
}

/**
 * This thread writes the first half of the files while a worker writes the second, starting at
 * the first message of its first file. Both read the archive through their own connection; the
 * import lock and the job queue keep imports from committing during an export, and a count that
 * no longer matches fails the export ("the archive changed").
 */
async function writeInTwoHalves(
  vault: Vault,
  reader: ArchiveReader,
  sel: ResolvedSelection,
  plans: SbrFilePlan[],
  ctx: SbrFilesContext,
  onProgress: ((done: number) => void) | undefined,
): Promise<ExportedFile[]> {
  const half = Math.ceil(plans.length / 2);
  const mine = plans.slice(0, half);
  const theirs = plans.slice(half);
  const from = reader.messageAt(sel, mine.reduce((n, p) => n + p.count, 0));
  if (from === undefined) throw new ExportError('the archive changed during the export (fewer messages than counted)');
  const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const shared = new Int32Array(control);
  const job: SbrExportJob = {
    vaultDir: vault.dir,
    selection: sel,
    from,
    plans: theirs,
    outDir: ctx.outDir,
    nowMs: ctx.now.getTime(),
    legacyEmoji: ctx.legacyEmoji,
    control,
  };
  const worker = spawnWorker('./sbr-export-worker', import.meta.url, job);
  const theirsDone = new Promise<{ files: ExportedFile[]; warnings: string[] }>((resolve, reject) => {
    worker.once('message', (m: FromExportWorker) => {
      if (m.type === 'done') resolve(m);
      else reject(reviveError(m.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the export's second writer stopped unexpectedly (exit code ${code})`));
    });
  });
  // Rejections are handled below; until then they must not count as unhandled.
  theirsDone.catch(() => undefined);
  let mineDone = 0;
  /** A progress callback that threw from the timer: the export stops with its error. */
  let failure: Error | undefined;
  const report = (): void => onProgress?.(mineDone + Atomics.load(shared, PROGRESS));
  const ticker = setInterval(() => {
    try {
      report();
    } catch (e) {
      failure ??= e instanceof Error ? e : new Error(String(e));
      Atomics.store(shared, STOP, 1);
    }
  }, 200);
  try {
    const first = await writeSbrFiles(reader.messages(sel), mine, {
      ...ctx,
      onRecord: () => {
        if (failure !== undefined) throw failure;
        if (++mineDone % 256 === 0) report();
      },
    });
    const second = await theirsDone;
    if (failure !== undefined) throw failure;
    ctx.warnings.push(...second.warnings);
    report();
    return [...first, ...second.files];
  } catch (e) {
    // The worker stops at its next record, removing the file it was writing, and reports.
    Atomics.store(shared, STOP, 1);
    await theirsDone.catch(() => undefined);
    throw failure ?? e;
  } finally {
    clearInterval(ticker);
  }
}

function prepareOutDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new ExportError(`cannot write to ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; choose another folder with --out`);
  }
}
