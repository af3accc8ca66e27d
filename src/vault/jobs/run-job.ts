/**
 * What a job does: an import through the vault's import pipeline, or a verify of the whole vault.
 * Both report progress as they go; the queue decides what to persist and when.
 */
import { statInput } from '../../formats/container.js';
import { importFile, type ImportResult } from '../import/import-backup.js';
import { mailboxCa, mailboxImporter, mailboxPassword } from '../sources/mailbox.js';
import { imapSourceConfig, type ControlDb } from '../sources/registry.js';
import { verifyVault, type VerifyReport } from '../verify.js';
import type { Vault } from '../vault.js';
import type { JobProgress } from './job.js';

export interface ImportJobResult {
  backups: ImportResult[];
}

export interface VerifyJobResult extends VerifyReport {
  /** The same problems, each with the part of the vault it concerns (API shape). */
  problemList: { kind: 'database' | 'media' | 'search-index'; message: string }[];
  blobsChecked: number;
}

export async function runImport(
  vault: Vault,
  file: string,
  onProgress: (p: JobProgress) => void,
  options: { displayName?: string; signal?: AbortSignal; passphrase?: () => Promise<string> } = {},
): Promise<ImportJobResult> {
  const { displayName, signal, passphrase } = options;
  // A ZIP holds several backups, each reported from 0: add up the entries already finished.
  let finishedBytes = 0;
  let finishedExpanded = 0;
  let current = '';
  let currentBytes = 0;
  let currentExpanded = 0;
  // The file's size on disk: what the entries' compressed bytes add up to.
  const total = (await statInput(file)).size;
  onProgress({ done: 0, total, unit: 'bytes', expanded: 0 });
  const backups = await importFile(vault, file, {
    ...(displayName === undefined ? {} : { displayName }),
    // Job files come from outside: uploads, devices, watched folders.
    untrusted: true,
    ...(signal === undefined ? {} : { signal }),
    ...(passphrase === undefined ? {} : { passphrase }),
    onProgress: (p) => {
      if (p.file !== current) {
        finishedBytes += currentBytes;
        finishedExpanded += currentExpanded;
        current = p.file;
      }
      currentBytes = p.bytesRead;
      currentExpanded = p.bytesExpanded;
      onProgress({ done: Math.min(total, finishedBytes + p.bytesRead), total, unit: 'bytes', expanded: finishedExpanded + p.bytesExpanded });
    },
  });
  return { backups };
}

/** A poll of an IMAP mailbox source: only mail not seen before is read. */
export async function runMailbox(
  vault: Vault,
  control: ControlDb,
  sourceId: number | undefined,
  onProgress: (p: JobProgress) => void,
  signal?: AbortSignal,
): Promise<ImportJobResult> {
  if (sourceId === undefined) throw new Error('a mailbox import job needs the IMAP source it belongs to');
  const config = await imapSourceConfig(control, sourceId);
  const importer = mailboxImporter();
  const backups = await importer(vault, {
    url: config.url,
    password: await mailboxPassword(config, vault.dir),
    security: config.security,
    insecure: config.insecure,
    ...(config.caFile === undefined ? {} : { ca: mailboxCa(config) }),
    ...(config.callsFolder === undefined ? {} : { callsFolder: config.callsFolder }),
    ...(signal === undefined ? {} : { signal }),
    onProgress: (done, total) => {
      onProgress({ done, total, unit: 'bytes' });
    },
  });
  return { backups };
}

export async function runVerify(vault: Vault, onProgress: (p: JobProgress) => void): Promise<VerifyJobResult> {
  // Verify takes the import lock too: a verify racing an import in another process would count
  // that import's staged media as unreferenced and its half-written rows as problems.
  const lock = vault.locks.acquire('import');
  try {
    const report = await verifyVault(vault, (done, total) => {
      onProgress({ done, total, unit: 'blobs' });
    });
    return {
      ...report,
      problemList: report.problems.map((message) => ({
        kind: message.startsWith('database') ? 'database' : message.startsWith('search index') ? 'search-index' : 'media',
        message,
      })),
      blobsChecked: report.checked.blobs,
    };
  } finally {
    lock.release();
  }
}
