/**
 * Writes a selection of the archive as SMS Backup & Restore XML files the app restores:
 * `sms-<timestamp>.xml` (SMS and MMS interleaved by date) and `calls-<timestamp>.xml`, split into
 * files of at most `split` records. Each file is written under a temporary name and renamed only
 * when complete, so a partial file never sits under a final name.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { SbrXmlWriter, type MediaSource } from '../../formats/sbr/writer.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { resolveSelection, SelectionError, type ExportSelection } from './selection.js';

export interface SbrExportOptions {
  outDir: string;
  /** Records per file; 0 = everything in one file. */
  split?: number;
  legacyEmoji?: boolean;
  /** The export's timestamp (file names, backup_date); defaults to now. */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportedFile {
  path: string;
  kind: 'messages' | 'calls';
  records: number;
  bytes: number;
}

export interface SbrExportResult {
  files: ExportedFile[];
  messages: number;
  calls: number;
  warnings: string[];
}

export const DEFAULT_SPLIT = 5_000;

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
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
  const media: MediaSource = {
    open: (sha256) => vault.blobs.chunks(sha256),
  };
  const files: ExportedFile[] = [];
  const total = messageTotal + callTotal;
  let done = 0;
  const jobs = [
    { kind: 'messages' as const, root: 'smses' as const, count: messageTotal, records: () => reader.messages(sel) },
    { kind: 'calls' as const, root: 'calls' as const, count: callTotal, records: () => reader.calls(sel) },
  ];
  // Each file's fsync and rename run while the next file is written; all are awaited at the end.
  const finishing: Promise<void>[] = [];
  try {
    for (const job of jobs) {
      if (job.count === 0) continue;
      const per = split > 0 ? split : job.count;
      const parts = Math.ceil(job.count / per);
      const prefix = job.kind === 'messages' ? 'sms' : 'calls';
      const iterator = job.records()[Symbol.iterator]();
      for (let part = 0; part < parts; part++) {
        const count = Math.min(per, job.count - part * per);
        const name = parts === 1 ? `${prefix}-${stamp(now)}.xml` : `${prefix}-${stamp(now)}-${String(part + 1).padStart(String(parts).length, '0')}.xml`;
        const file = await writeFile(path.join(options.outDir, name), async (writer) => {
          await writer.begin({ root: job.root, count, backupSet: randomUUID(), backupDate: now.getTime() });
          for (let i = 0; i < count; i++) {
            const next = iterator.next();
            if (next.done === true) throw new ExportError(`the archive changed during the export (expected ${count} records in ${name})`);
            if (!writer.writeNow(next.value)) await writer.write(next.value);
            options.onProgress?.(++done, total);
          }
          await writer.end();
        }, media, options, warnings);
        finishing.push(file.finished);
        files.push({ path: file.path, kind: job.kind, records: count, bytes: file.bytes });
      }
      iterator.return(undefined);
    }
  } catch (e) {
    await Promise.allSettled(finishing);
    throw e;
  }
  await Promise.all(finishing);
  return { files, messages: messageTotal, calls: callTotal, warnings };
}

function prepareOutDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new ExportError(`cannot write to ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; choose another folder with --out`);
  }
}

async function writeFile(
  final: string,
  body: (writer: SbrXmlWriter) => Promise<void>,
  media: MediaSource,
  options: SbrExportOptions,
  warnings: string[],
): Promise<{ path: string; bytes: number; finished: Promise<void> }> {
  const temp = `${final}.partial-${process.pid}`;
  const out = fs.createWriteStream(temp, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const sink = (chunk: Buffer): Promise<void> | void => {
    bytes += chunk.length;
    if (out.write(chunk)) return;
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => {
        reject(e);
      };
      out.once('error', onError);
      out.once('drain', () => {
        out.off('error', onError);
        resolve();
      });
    });
  };
  try {
    const writer = new SbrXmlWriter(sink, media, {
      legacyEmoji: options.legacyEmoji === true,
      onMediaUnavailable: (sha, err, writtenBytes) => {
        warnings.push(
          writtenBytes === 0
            ? `media ${sha} could not be read (${err.message}); its part was written without data`
            : `media ${sha} failed after ${writtenBytes} bytes (${err.message}); its part holds only those bytes`,
        );
      },
    });
    await body(writer);
    await new Promise<void>((resolve, reject) => {
      out.end((err?: Error | null) => {
        if (err) reject(err);
        else resolve();
      });
    });
    // The file reaches the disk and its final name on the thread pool, while the next is written.
    const finished = (async (): Promise<void> => {
      try {
        const handle = await fs.promises.open(temp, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.promises.rename(temp, final);
      } catch (e) {
        fs.rmSync(temp, { force: true });
        throw e;
      }
    })();
    // Awaited by the caller later; until then a failure must not count as unhandled.
    finished.catch(() => undefined);
    return { path: final, bytes, finished };
  } catch (e) {
    out.destroy();
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

