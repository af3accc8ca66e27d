import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_SPLIT, WRITERS, type WriterId } from '../../vault/export/export-formats.js';
import type { FossifyKeys } from '../../formats/fossify/mapping.js';
import type { ExportKind } from '../../vault/export/selection.js';
import { formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { withProgressBar } from '../progress.js';
import { CommandFailed } from '../context.js';
import { addImapOptions, imapConnectOptions, type ImapCliOptions } from '../imap.js';
import type { exportToImap } from '../../sources/imap/export.js';
import { isImapUrl, parseImapUrl } from '../../sources/imap/target.js';
import { countNoun } from '../../formats/plural.js';

interface ExportCliOptions extends ImapCliOptions {
  format: WriterId;
  out?: string;
  to?: string;
  contact?: string;
  conversation?: number;
  since?: number;
  until?: number;
  types: Set<ExportKind>;
  split: number;
  legacyEmoji?: boolean;
  bom?: boolean;
  csvRaw?: boolean;
  pageSize?: number;
  fossifyKeys: FossifyKeys;
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

/** --format smsbackupplus: append to an IMAP folder instead of writing files. */
async function exportSmsBackupPlusCli(globals: GlobalOptions, opts: ExportCliOptions, selection: Parameters<typeof exportToImap>[1]): Promise<void> {
  if (opts.to === undefined || !isImapUrl(opts.to)) {
    throw new CommandFailed('--format smsbackupplus writes to an IMAP folder: give it as --to imap://user@host/SMS');
  }
  const target = parseImapUrl(opts.to);
  const connect = await imapConnectOptions(target, opts);
  const { exportToImap } = await import('../../sources/imap/export.js');
  const result = await withProgressBar('appending', opts.json !== true, 'records', (onProgress) =>
    withVault(globals, false, (vault) =>
      exportToImap(vault, selection, target, {
        ...connect,
        ...(opts.callsFolder === undefined ? {} : { callFolder: opts.callsFolder }),
        onProgress,
      }),
    ),
  );
  if (opts.json === true) {
    printJson(result);
    return;
  }
  const n = (x: { messages: number; calls: number }): string => `${countNoun(x.messages, 'message')} and ${countNoun(x.calls, 'call')}`;
  process.stdout.write(`appended ${n(result.appended)} to ${opts.to} in SMS Backup+ layout; ${n(result.alreadyThere)} were already there\n`);
}

export function registerExport(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('export')
    .description('write part or all of the archive: backups the phone apps restore, an offline HTML site, PDF transcripts, CSV or NDJSON')
    .addOption(
      new Option('--format <format>', WRITERS.map((w) => w.help).join(', '))
        .choices(WRITERS.map((w) => w.id))
        .makeOptionMandatory(),
    )
    .option('--out <dir>', 'output folder (created if missing); for every format but smsbackupplus')
    .option('--to <imap-url>', 'smsbackupplus: the IMAP folder, imap://user@host[:port]/SMS (calls go to --calls-folder)')
    .option('--contact <number-or-name>', 'only conversations (and calls) with this contact, any number format')
    .option('--conversation <id>', 'only this conversation', parseCount)
    .option('--since <date>', 'from this date (inclusive), YYYY-MM-DD or ISO 8601', parseDate)
    .option('--until <date>', 'up to this date (exclusive)', parseDate)
    .option('--types <list>', 'comma-separated: sms, mms, calls', parseTypes, new Set<ExportKind>(['sms', 'mms', 'calls']))
    .option('--split <n>', `sbr: records per file (0 = one file)`, parseCount, DEFAULT_SPLIT)
    .option('--legacy-emoji', 'sbr: write emoji as surrogate-pair references like old app versions')
    .option('--page-size <n>', 'html: messages per page (default 1,000)', parseCount)
    .option('--bom', 'csv: start each file with a UTF-8 byte order mark (for Excel)')
    .option('--csv-raw', "csv: write text starting with = + - @ exactly, without the leading ' that keeps spreadsheets from running it as a formula (for scripts)")
    .addOption(
      new Option('--fossify-keys <keys>', 'fossify: kotlin (current Fossify Messages) or columns (snake_case, older Simple SMS Messenger)')
        .choices(['kotlin', 'columns'])
        .default('kotlin'),
    )
    .option('--json', 'print the result as JSON');
  addImapOptions(command).action(async (opts: ExportCliOptions) => {
    const selection = { contact: opts.contact, conversationId: opts.conversation, since: opts.since, until: opts.until, kinds: opts.types };
    const format = opts.format;
    if (format === 'smsbackupplus') {
      // The one writer whose target is an IMAP folder, not files.
      await exportSmsBackupPlusCli(globals(), opts, selection);
      return;
    }
    const out = opts.out;
    if (out === undefined) throw new CommandFailed(`--format ${format} writes files: give the folder with --out DIR`);
    const { runExport } = await import('../../vault/export/run-export.js');
    const result = await withProgressBar('exporting', opts.json !== true, 'records', (onProgress) =>
      withVault(globals(), false, (vault) =>
        runExport(vault, {
          format,
          selection,
          outDir: out,
          split: opts.split,
          legacyEmoji: opts.legacyEmoji === true,
          bom: opts.bom === true,
          csvRaw: opts.csvRaw === true,
          pageSize: opts.pageSize,
          fossifyKeys: opts.fossifyKeys,
          onProgress,
        }),
      ),
    );
    if (opts.json === true) {
      printJson(result);
      return;
    }
    for (const f of result.files) process.stdout.write(`${f.path}: ${formatCount(f.records)} ${UNITS[f.kind] ?? 'records'}, ${formatBytes(f.bytes)}\n`);
    for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`exported ${countNoun(result.messages, 'message')} and ${countNoun(result.calls, 'call')}\n`);
  });
}
