/**
 * Writes a selection of the archive as SMS Import/Export files the app restores:
 * `messages-<date>.zip` (messages.ndjson + data/) and `calls-<date>.json`.
 */
import { Readable } from 'node:stream';
import path from 'node:path';
import { callsJson, smsIeZip } from '../../formats/smsie/writer.js';
import type { MediaSource } from '../../formats/sbr/writer.js';
import type { MmsRecord, SmsRecord } from '../../formats/records.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { writeOutput } from './output-file.js';
import { prepareOutDir } from './output.js';
import type { ExportedFile } from './sbr-export.js';
import { resolveSelection, SelectionError, type ExportSelection, type ResolvedSelection } from './selection.js';

export interface FormatExportOptions {
  outDir: string;
  /** The export's date (file names); defaults to now. */
  now?: Date;
}

export interface FormatExportResult {
  files: ExportedFile[];
  messages: number;
  calls: number;
  warnings: string[];
}

export function dateStamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function blobSource(vault: Vault): MediaSource {
  return { open: (sha256) => vault.blobs.openRead(sha256) as AsyncIterable<Buffer> };
}

function only(sel: ResolvedSelection, kind: 'sms' | 'mms'): ResolvedSelection {
  return { ...sel, kinds: new Set(sel.kinds.has(kind) ? [kind] : []) };
}

export async function exportSmsIe(vault: Vault, selection: ExportSelection, options: FormatExportOptions): Promise<FormatExportResult> {
  const sel = await resolveSelection(vault, selection);
  const reader = new ArchiveReader(vault);
  const messages = reader.countMessages(sel);
  const calls = reader.countCalls(sel);
  if (messages + calls === 0) throw new SelectionError('nothing to export: the selection holds no messages or calls');
  prepareOutDir(options.outDir);
  const stamp = dateStamp(options.now ?? new Date());
  const files: ExportedFile[] = [];
  if (messages > 0) {
    const zip = smsIeZip(
      {
        sms: () => reader.messages(only(sel, 'sms')) as Iterable<SmsRecord>,
        mms: () => reader.messages(only(sel, 'mms')) as Iterable<MmsRecord>,
      },
      blobSource(vault),
    );
    const out = await writeOutput(path.join(options.outDir, `messages-${stamp}.zip`), zip.stream);
    files.push({ path: out.path, kind: 'messages', records: messages, bytes: out.bytes });
  }
  if (calls > 0) {
    const out = await writeOutput(path.join(options.outDir, `calls-${stamp}.json`), Readable.from(callsJson(reader.calls(sel))));
    files.push({ path: out.path, kind: 'calls', records: calls, bytes: out.bytes });
  }
  return { files, messages, calls, warnings: [] };
}
