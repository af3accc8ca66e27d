/**
 * What an export of messages and calls for people starts from (CSV, NDJSON): the resolved
 * selection, its readers and totals. An empty selection is refused before anything is written.
 */
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { resolveSelection, SelectionError, type ExportSelection, type ResolvedSelection } from './selection.js';
import { ViewReader } from './view-reader.js';

export interface ExportScope {
  sel: ResolvedSelection;
  archive: ArchiveReader;
  views: ViewReader;
  messageTotal: number;
  callTotal: number;
}

export async function exportScope(vault: Vault, selection: ExportSelection): Promise<ExportScope> {
  const sel = await resolveSelection(vault, selection);
  const archive = new ArchiveReader(vault);
  const messageTotal = archive.countMessages(sel);
  const callTotal = archive.countCalls(sel);
  if (messageTotal + callTotal === 0) throw new SelectionError('nothing to export: the selection holds no messages or calls');
  return { sel, archive, views: new ViewReader(vault), messageTotal, callTotal };
}
