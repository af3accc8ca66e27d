import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXPORT_FORMATS, runExport, type ExportFormat } from '../../vault/export/run-export.js';
import { DEFAULT_SPLIT } from '../../vault/export/sbr-export.js';
import type { ExportKind } from '../../vault/export/selection.js';
import { formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { progressBar } from '../progress.js';

interface ExportCliOptions {
  format: ExportFormat;
  out: string;
  contact?: string;
  conversation?: number;
  since?: number;
  until?: number;
  types: Set<ExportKind>;
  split: number;
  legacyEmoji?: boolean;
  bom?: boolean;
  pageSize?: number;
  fossifyKeys: 'kotlin' | 'columns';
  json?: boolean;
}

const UNITS: Record<string, string> = { messages: 'messages', calls: 'calls', media: 'media files', ndjson: 'records', conversation: 'messages', site: 'records' };

function parseDate(value: string): number {
  // A bare date means local midnight, as a person reading "2024-01-01" expects.
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is not a date; use YYYY-MM-DD or an ISO 8601 time`);
  return ms;
}

function parseTypes(value: string): Set<ExportKind> {
  const kinds = new Set<ExportKind>();
  for (const t of value.split(',').map((s) => s.trim().toLowerCase())) {
    if (t === 'sms' || t === 'mms' || t === 'calls') kinds.add(t);
    else if (t === 'messages') {
      kinds.add('sms');
      kinds.add('mms');
    } else throw new InvalidArgumentError(`unknown type "${t}"; use sms, mms, messages or calls`);
  }
  return kinds;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number of records (0 or more)`);
  return n;
}

export function registerExport(program: Command, globals: () => GlobalOptions): void {
  program
    .command('export')
    .description('write part or all of the archive: backups the phone apps restore (sbr, sms-ie, fossify), an offline HTML site, PDF transcripts, CSV or NDJSON')
    .addOption(new Option('--format <format>', 'sbr (SMS Backup & Restore XML), sms-ie (SMS Import/Export ZIP + calls JSON), fossify (Fossify Messages JSON), html, pdf, csv, ndjson').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--contact <number-or-name>', 'only conversations (and calls) with this contact, any number format')
    .option('--conversation <id>', 'only this conversation', parseCount)
    .option('--since <date>', 'from this date (inclusive), YYYY-MM-DD or ISO 8601', parseDate)
    .option('--until <date>', 'up to this date (exclusive)', parseDate)
    .option('--types <list>', 'comma-separated: sms, mms, calls', parseTypes, new Set<ExportKind>(['sms', 'mms', 'calls']))
    .option('--split <n>', `sbr: records per file (0 = one file)`, parseCount, DEFAULT_SPLIT)
    .option('--legacy-emoji', 'sbr: write emoji as surrogate-pair references like old app versions')
    .option('--page-size <n>', 'html: messages per page (default 1,000)', parseCount)
    .option('--bom', 'csv: start each file with a UTF-8 byte order mark (for Excel)')
    .addOption(
      new Option('--fossify-keys <keys>', 'fossify: kotlin (current Fossify Messages) or columns (snake_case, older Simple SMS Messenger)')
        .choices(['kotlin', 'columns'])
        .default('kotlin'),
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: ExportCliOptions) => {
      const bar = progressBar('exporting', opts.json !== true);
      const result = await withVault(globals(), false, (vault) =>
        runExport(vault, {
          format: opts.format,
          selection: { contact: opts.contact, conversationId: opts.conversation, since: opts.since, until: opts.until, kinds: opts.types },
          outDir: opts.out,
          split: opts.split,
          legacyEmoji: opts.legacyEmoji === true,
          bom: opts.bom === true,
          pageSize: opts.pageSize,
          fossifyKeys: opts.fossifyKeys,
          onProgress: (done, total) => {
            bar.update(done, total, done);
          },
        }),
      ).finally(() => {
        bar.stop();
      });
      if (opts.json === true) {
        printJson(result);
        return;
      }
      for (const f of result.files) process.stdout.write(`${f.path}: ${formatCount(f.records)} ${UNITS[f.kind] ?? 'records'}, ${formatBytes(f.bytes)}\n`);
      for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
      process.stdout.write(`exported ${formatCount(result.messages)} messages and ${formatCount(result.calls)} calls\n`);
    });
}
