/**
 * Writes a selection of the archive as a Fossify Messages JSON export the app restores
 * (`messages-<date>.json`). Fossify keeps no call log, so calls are left out with a warning.
 */
import path from 'node:path';
import type { FossifyKeys } from '../../formats/fossify/mapping.js';
import { fossifyJson } from '../../formats/fossify/writer.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { writeOutput } from './output-file.js';
import { prepareOutDir } from './output.js';
import { blobSource, dateStamp, type FormatExportOptions, type FormatExportResult } from './smsie-export.js';
import { resolveSelection, SelectionError, type ExportSelection } from './selection.js';
import { countNoun } from '../../formats/plural.js';

export async function exportFossify(vault: Vault, selection: ExportSelection, options: FormatExportOptions & { keys?: FossifyKeys }): Promise<FormatExportResult> {
  const sel = await resolveSelection(vault, selection);
  const reader = new ArchiveReader(vault);
  const messages = reader.countMessages(sel);
  const calls = reader.countCalls(sel);
  if (messages === 0) {
    throw new SelectionError(calls > 0 ? 'nothing to export: Fossify Messages has no call log, and the selection holds only calls' : 'nothing to export: the selection holds no messages');
  }
  prepareOutDir(options.outDir);
  const out = await writeOutput(path.join(options.outDir, `messages-${dateStamp(options.now ?? new Date())}.json`), fossifyJson(reader.messages(sel), blobSource(vault), options.keys ?? 'kotlin'));
  return {
    files: [{ path: out.path, kind: 'messages', records: messages, bytes: out.bytes }],
    messages,
    calls: 0,
    warnings: calls > 0 ? [`${countNoun(calls, 'call')} left out: Fossify Messages has no call log (use --format sms-ie or sbr for calls)`] : [],
  };
}
