/**
 * Writes a selection of the archive as Super Backup & Restore files the app restores:
 * `sms_<YYYYMMDDHHMMSS>.xml` and `calllogs_<YYYYMMDDHHMMSS>.xml`. The format has no MMS: MMS in
 * the selection are left out with a warning.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import type { SmsRecord } from '../../formats/records.js';
import { superBackupCallsXml, superBackupSmsXml } from '../../formats/superbackup/writer.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { writeOutput } from './output-file.js';
import { prepareOutDir } from './output.js';
import type { ExportedFile } from './sbr-export.js';
import { resolveSelection, SelectionError, type ExportSelection, type ResolvedSelection } from './selection.js';
import type { FormatExportOptions, FormatExportResult } from './smsie-export.js';
import { countNoun } from '../../formats/plural.js';

/** The app's file name stamp: local date and time, YYYYMMDDHHMMSS. */
export function fileStamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function only(sel: ResolvedSelection, kinds: ('sms' | 'mms')[]): ResolvedSelection {
  return { ...sel, kinds: new Set(kinds.filter((k) => sel.kinds.has(k))) };
}

export async function exportSuperBackup(vault: Vault, selection: ExportSelection, options: FormatExportOptions): Promise<FormatExportResult> {
  const sel = await resolveSelection(vault, selection);
  const reader = new ArchiveReader(vault);
  const sms = reader.countMessages(only(sel, ['sms']));
  const mms = reader.countMessages(only(sel, ['mms']));
  const calls = reader.countCalls(sel);
  if (sms + calls === 0) {
    throw new SelectionError(mms > 0 ? 'nothing to export: Super Backup & Restore has no MMS, and the selection holds only MMS' : 'nothing to export: the selection holds no messages or calls');
  }
  prepareOutDir(options.outDir);
  const stamp = fileStamp(options.now ?? new Date());
  const files: ExportedFile[] = [];
  const warnings: string[] = [];
  let replaced = 0;
  const onReplaced = (): void => {
    replaced++;
  };
  if (sms > 0) {
    const xml = superBackupSmsXml(reader.messages(only(sel, ['sms'])) as Iterable<SmsRecord>, sms, onReplaced);
    const out = await writeOutput(path.join(options.outDir, `sms_${stamp}.xml`), Readable.from(xml));
    files.push({ path: out.path, kind: 'messages', records: sms, bytes: out.bytes });
  }
  if (calls > 0) {
    const out = await writeOutput(path.join(options.outDir, `calllogs_${stamp}.xml`), Readable.from(superBackupCallsXml(reader.calls(sel), calls, onReplaced)));
    files.push({ path: out.path, kind: 'calls', records: calls, bytes: out.bytes });
  }
  if (mms > 0) warnings.push(`${mms} MMS left out: Super Backup & Restore has no MMS (use --format sbr or sms-ie for them)`);
  if (replaced > 0) warnings.push(`${countNoun(replaced, 'character')} XML cannot hold (control characters) written as U+FFFD`);
  return { files, messages: sms, calls, warnings };
}
