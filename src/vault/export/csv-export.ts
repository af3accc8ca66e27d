/**
 * Writes the selection as `messages.csv` and `calls.csv` (formats/csv/writer.ts), streaming:
 * one row per message in date order.
 */
import path from 'node:path';
import { CALL_COLUMNS, callCsvLine, csvLine, MESSAGE_COLUMNS, messageCsvLine, UTF8_BOM } from '../../formats/csv/writer.js';
import type { ConversationView } from '../../formats/export-view.js';
import type { Vault } from '../vault.js';
import { throttled, type ExportProgress, type ExportResult } from './export-result.js';
import { BatchedWriter, prepareOutDir, writeAtomically } from './output.js';
import { exportScope } from './export-scope.js';
import type { ExportSelection } from './selection.js';

export interface CsvExportOptions extends ExportProgress {
  outDir: string;
  /** Start each file with a UTF-8 byte order mark (for spreadsheet programs). */
  bom?: boolean;
  /** Write formula-like text exactly instead of with a leading `'` (formats/csv/writer.ts). */
  raw?: boolean;
}

export async function exportCsv(vault: Vault, selection: ExportSelection, options: CsvExportOptions): Promise<ExportResult> {
  const { sel, views, messageTotal, callTotal } = await exportScope(vault, selection);
  prepareOutDir(options.outDir);
  const bom = options.bom === true ? UTF8_BOM : '';
  const valueOptions = { raw: options.raw === true };
  const progress = throttled(options.onProgress, messageTotal + callTotal);
  const result: ExportResult = { format: 'csv', files: [], messages: messageTotal, calls: callTotal, warnings: [] };

  if (sel.kinds.has('sms') || sel.kinds.has('mms')) {
    const conversations = new Map<number, ConversationView>(views.conversations(sel).map((c) => [c.id, c]));
    const file = path.join(options.outDir, 'messages.csv');
    let records = 0;
    const bytes = await writeAtomically(file, async (out) => {
      const batch = new BatchedWriter(out);
      await batch.add(bom + csvLine(MESSAGE_COLUMNS));
      for (const m of views.messages(sel, conversations)) {
        const conv = conversations.get(m.conversationId);
        if (conv === undefined) continue;
        const wait = batch.add(messageCsvLine(m, conv, valueOptions));
        if (wait) await wait;
        records++;
        progress.tick();
      }
      await batch.flush();
    });
    result.files.push({ path: file, kind: 'messages', records, bytes });
  }
  if (sel.kinds.has('calls')) {
    const file = path.join(options.outDir, 'calls.csv');
    let records = 0;
    const bytes = await writeAtomically(file, async (out) => {
      const batch = new BatchedWriter(out);
      await batch.add(bom + csvLine(CALL_COLUMNS));
      for (const c of views.calls(sel)) {
        const wait = batch.add(callCsvLine(c, valueOptions));
        if (wait) await wait;
        records++;
        progress.tick();
      }
      await batch.flush();
    });
    result.files.push({ path: file, kind: 'calls', records, bytes });
  }
  progress.done();
  return result;
}
