/**
 * One entry point for every export format, for the CLI and the server alike:
 *
 *   const result = await runExport(vault, { format: 'html', selection, outDir, pageSize: 500, onProgress });
 *
 * `selection` is the same for every format (selection.ts). The result lists the files written
 * (for HTML, the site folder; for PDF, one file per conversation) and any warnings. Errors are
 * SelectionError (the selection is empty or unknown; nothing written) or ExportError (the output
 * could not be written; nothing left under a final name).
 */
import type { Vault } from '../vault.js';
import { exportCsv } from './csv-export.js';
import type { ExportProgress, ExportResult } from './export-result.js';
import { exportNdjson } from './ndjson-export.js';
import { exportFossify } from './fossify-export.js';
import type { FossifyKeys } from '../../formats/fossify/mapping.js';
import { sweepDeadPartials } from './output-file.js';
import { exportSbr } from './sbr-export.js';
import { exportSmsIe } from './smsie-export.js';
import { exportSuperBackup } from './superbackup-export.js';
import type { ExportFormat } from './export-formats.js';
import type { ExportSelection } from './selection.js';

export interface ExportRequest extends ExportProgress {
  format: ExportFormat;
  selection: ExportSelection;
  outDir: string;
  /** sbr: records per file (0 = one file). */
  split?: number;
  /** sbr: emoji as surrogate-pair references. */
  legacyEmoji?: boolean;
  /** csv: start files with a UTF-8 BOM. */
  bom?: boolean;
  /** csv: formula-like text exactly, without the leading `'` spreadsheets need. */
  csvRaw?: boolean;
  /** html: messages per page (default 1,000). */
  pageSize?: number;
  /** pdf: messages per Chromium page load (default 2,000; bounds Chromium's memory). */
  chunkSize?: number;
  /** fossify: property names of the current app (kotlin) or the older snake_case columns. */
  fossifyKeys?: FossifyKeys;
}

export async function runExport(vault: Vault, request: ExportRequest): Promise<ExportResult> {
  const { selection, outDir, onProgress } = request;
  // What an export killed in this folder left (the crash campaign found them kept for ever).
  sweepDeadPartials(outDir);
  switch (request.format) {
    case 'sbr': {
      const r = await exportSbr(vault, selection, { outDir, split: request.split, legacyEmoji: request.legacyEmoji, onProgress });
      return { format: 'sbr', files: r.files, messages: r.messages, calls: r.calls, warnings: r.warnings };
    }
    case 'sms-ie':
      return { format: 'sms-ie', ...(await exportSmsIe(vault, selection, { outDir })) };
    case 'superbackup':
      return { format: 'superbackup', ...(await exportSuperBackup(vault, selection, { outDir })) };
    case 'fossify':
      return { format: 'fossify', ...(await exportFossify(vault, selection, { outDir, keys: request.fossifyKeys })) };
    case 'csv':
      return exportCsv(vault, selection, { outDir, bom: request.bom, raw: request.csvRaw, onProgress });
    case 'ndjson':
      return exportNdjson(vault, selection, { outDir, onProgress });
    // sharp, playwright-core and pdf-lib load only when used: every other command starts faster.
    case 'html':
      return (await import('./html-export.js')).exportHtml(vault, selection, { outDir, pageSize: request.pageSize, onProgress });
    case 'pdf':
      return (await import('./pdf-export.js')).exportPdf(vault, selection, { outDir, chunkSize: request.chunkSize, onProgress });
  }
}
