/**
 * Writes a run of SMS Backup & Restore files from a stream of records: each file under a
 * temporary name, fsynced and renamed when complete (on the thread pool, while the next file is
 * written). Used by the export on its own thread and by its worker (sbr-export-worker.ts).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { SbrXmlWriter, type MediaSource } from '../../formats/sbr/writer.js';
import type { ArchiveRecord } from '../../formats/records.js';
import { ExportError } from './export-error.js';

/** One output file: its name and how many records it holds. */
export interface SbrFilePlan {
  name: string;
  count: number;
}

export interface ExportedFile {
  path: string;
  kind: 'messages' | 'calls';
  records: number;
  bytes: number;
}

export interface SbrFilesContext {
  outDir: string;
  kind: 'messages' | 'calls';
  now: Date;
  legacyEmoji: boolean;
  media: MediaSource;
  /** Media that could not be read are written without data and named here. */
  warnings: string[];
  /** Called after each record. */
  onRecord(): void;
}

/**
 * Writes `plans` in order from `records` (closed at the end, so its statement is released);
 * resolves once every file is durable under its final name.
 */
export async function writeSbrFiles(source: Iterable<ArchiveRecord>, plans: readonly SbrFilePlan[], ctx: SbrFilesContext): Promise<ExportedFile[]> {
  const records = source[Symbol.iterator]();
  const root = ctx.kind === 'messages' ? 'smses' : 'calls';
  const files: ExportedFile[] = [];
  // Each file's fsync and rename run while the next file is written; all are awaited at the end.
  const finishing: Promise<void>[] = [];
  try {
    for (const plan of plans) {
      const file = await writeFile(path.join(ctx.outDir, plan.name), ctx, async (writer) => {
        await writer.begin({ root, count: plan.count, backupSet: randomUUID(), backupDate: ctx.now.getTime() });
        for (let i = 0; i < plan.count; i++) {
          const next = records.next();
          if (next.done === true) throw new ExportError(`the archive changed during the export (expected ${plan.count} records in ${plan.name})`);
          if (!writer.writeNow(next.value)) await writer.write(next.value);
          ctx.onRecord();
        }
        await writer.end();
      });
      finishing.push(file.finished);
      files.push({ path: file.path, kind: ctx.kind, records: plan.count, bytes: file.bytes });
    }
  } catch (e) {
    await Promise.allSettled(finishing);
    throw e;
  } finally {
    records.return?.(undefined);
  }
  await Promise.all(finishing);
  return files;
}

async function writeFile(
  final: string,
  ctx: SbrFilesContext,
  body: (writer: SbrXmlWriter) => Promise<void>,
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
    const writer = new SbrXmlWriter(sink, ctx.media, {
      legacyEmoji: ctx.legacyEmoji,
      onMediaUnavailable: (sha, err, writtenBytes) => {
        ctx.warnings.push(
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
    // The file may be opened on the thread pool after this point: wait until the stream has
    // closed, or the temporary file would appear after its removal.
    out.destroy();
    await finished(out).catch(() => undefined);
    fs.rmSync(temp, { force: true });
    throw e;
  }
}
