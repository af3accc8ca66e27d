/**
 * An export job: runs the export into `<vault>/exports/<jobId>/` and leaves one file to download,
 * the export itself when it wrote a single file, else a ZIP of everything it wrote
 * (`<vault>/exports/<jobId>.zip`, streamed with yazl, nothing held in memory). The files are
 * copies of someone's messages: they are deleted `exports.keep` (default 7 days) after the job
 * ended (JobQueue, removeExportFiles).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { runExport } from '../export/run-export.js';
import type { ExportKind } from '../export/selection.js';
import type { Vault } from '../vault.js';
import type { ExportJobParams, JobProgress } from './job.js';

export const EXPORTS_DIR = 'exports';

export interface ExportJobResult {
  format: ExportJobParams['format'];
  messages: number;
  calls: number;
  warnings: string[];
  /** The file to download, relative to `<vault>/exports/`. */
  download: string;
  /** Its name for the user (Content-Disposition). */
  downloadName: string;
  bytes: number;
}

const ALL_KINDS: ExportKind[] = ['sms', 'mms', 'calls'];

/** Every regular file under `dir`, as paths relative to it with `/` separators. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await filesUnder(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

async function zipFolder(dir: string, files: string[], zipFile: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const rel of files) zip.addFile(path.join(dir, ...rel.split('/')), rel);
  zip.end();
  const tmp = `${zipFile}.partial`;
  await pipeline(zip.outputStream, fs.createWriteStream(tmp, { mode: 0o600 }));
  await fs.promises.rename(tmp, zipFile);
}

/** Deletes what export job `jobId` left to download (nothing when it is gone already). */
export async function removeExportFiles(vault: Vault, jobId: number): Promise<void> {
  const root = path.join(vault.dir, EXPORTS_DIR);
  for (const p of [path.join(root, String(jobId)), path.join(root, `${jobId}.zip`)]) await fs.promises.rm(p, { recursive: true, force: true });
}

export async function runExportJob(vault: Vault, jobId: number, params: ExportJobParams | undefined, onProgress: (p: JobProgress) => void): Promise<ExportJobResult> {
  if (params === undefined) throw new Error('an export job without a format: start the export again');
  const root = path.join(vault.dir, EXPORTS_DIR);
  const outDir = path.join(root, String(jobId));
  const zipFile = path.join(root, `${jobId}.zip`);
  // A re-run after a crash starts from an empty folder: nothing half-written is offered.
  await fs.promises.rm(outDir, { recursive: true, force: true });
  await fs.promises.rm(zipFile, { force: true });
  await fs.promises.mkdir(outDir, { recursive: true, mode: 0o700 });
  const selection = {
    ...(params.conversationId === undefined ? {} : { conversationId: params.conversationId }),
    ...(params.contact === undefined ? {} : { contact: params.contact }),
    ...(params.since === undefined ? {} : { since: params.since }),
    ...(params.until === undefined ? {} : { until: params.until }),
    kinds: new Set(params.kinds === undefined || params.kinds.length === 0 ? ALL_KINDS : params.kinds),
  };
  try {
    onProgress({ done: 0, total: null, unit: 'records' });
    const result = await runExport(vault, {
      format: params.format,
      selection,
      outDir,
      csvRaw: params.csvRaw === true,
      onProgress: (done, total) => {
        onProgress({ done, total, unit: 'records' });
      },
    });
    const files = await filesUnder(outDir);
    const single = files.length === 1 && files[0] !== undefined && !files[0].includes('/') ? files[0] : null;
    let download: string;
    let downloadName: string;
    if (single !== null) {
      download = `${jobId}/${single}`;
      downloadName = single;
    } else {
      await zipFolder(outDir, files, zipFile);
      // The ZIP is the download: the files in it need not stay twice.
      await fs.promises.rm(outDir, { recursive: true, force: true });
      download = `${jobId}.zip`;
      downloadName = `textvault-${params.format}-export-${jobId}.zip`;
    }
    const bytes = (await fs.promises.stat(path.join(root, download))).size;
    return { format: result.format, messages: result.messages, calls: result.calls, warnings: result.warnings, download, downloadName, bytes };
  } catch (e) {
    await fs.promises.rm(outDir, { recursive: true, force: true });
    await fs.promises.rm(zipFile, { force: true });
    throw e;
  }
}
