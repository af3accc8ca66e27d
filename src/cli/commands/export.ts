import { InvalidArgumentError, Option, type Command } from 'commander';
import { exportFossify } from '../../vault/export/fossify-export.js';
import { DEFAULT_SPLIT, exportSbr } from '../../vault/export/sbr-export.js';
import { exportSmsIe } from '../../vault/export/smsie-export.js';
import type { ExportKind } from '../../vault/export/selection.js';
import { formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { progressBar } from '../progress.js';
import { CommandFailed } from '../context.js';
import { addImapOptions, imapConnectOptions, type ImapCliOptions } from '../imap.js';
import { exportToImap } from '../../sources/imap/export.js';
import { isImapUrl, parseImapUrl } from '../../sources/imap/target.js';

interface ExportCliOptions extends ImapCliOptions {
  format: 'sbr' | 'sms-ie' | 'fossify' | 'smsbackupplus';
  out?: string;
  to?: string;
  contact?: string;
  conversation?: number;
  since?: number;
  until?: number;
  types: Set<ExportKind>;
  split: number;
  legacyEmoji?: boolean;
  json?: boolean;
}

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
  const bar = progressBar('appending', opts.json !== true);
  const result = await withVault(globals, false, (vault) =>
    exportToImap(vault, selection, target, {
      ...connect,
      ...(opts.callsFolder === undefined ? {} : { callFolder: opts.callsFolder }),
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
  const n = (x: { messages: number; calls: number }): string => `${formatCount(x.messages)} messages and ${formatCount(x.calls)} calls`;
  process.stdout.write(`appended ${n(result.appended)} to ${opts.to} in SMS Backup+ layout; ${n(result.alreadyThere)} were already there\n`);
}

export function registerExport(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('export')
    .description('write part or all of the archive as restore-ready backup files')
    .addOption(
      new Option(
        '--format <format>',
        'output format: sbr (SMS Backup & Restore XML), sms-ie (SMS Import/Export ZIP + calls JSON), fossify (Fossify Messages JSON), smsbackupplus (mail appended to an IMAP folder; needs --to)',
      )
        .choices(['sbr', 'sms-ie', 'fossify', 'smsbackupplus'])
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
    .option('--legacy-emoji', 'write emoji as surrogate-pair references like old app versions')
    .option('--json', 'print the result as JSON');
  addImapOptions(command).action(async (opts: ExportCliOptions) => {
    const selection = { contact: opts.contact, conversationId: opts.conversation, since: opts.since, until: opts.until, kinds: opts.types };
    if (opts.format === 'smsbackupplus') {
      await exportSmsBackupPlusCli(globals(), opts, selection);
      return;
    }
    const out = opts.out;
    if (out === undefined) throw new CommandFailed(`--format ${opts.format} writes files: give the folder with --out DIR`);
    const bar = progressBar('exporting', opts.json !== true && opts.format === 'sbr');
    const result = await withVault(globals(), false, (vault) => {
      if (opts.format === 'sms-ie') return exportSmsIe(vault, selection, { outDir: out });
      if (opts.format === 'fossify') return exportFossify(vault, selection, { outDir: out });
      return exportSbr(vault, selection, {
        outDir: out,
        split: opts.split,
        legacyEmoji: opts.legacyEmoji === true,
        onProgress: (done, total) => {
          bar.update(done, total, done);
        },
      });
    }).finally(() => {
      bar.stop();
    });
    if (opts.json === true) {
      printJson(result);
      return;
    }
    for (const f of result.files) process.stdout.write(`${f.path}: ${formatCount(f.records)} ${f.kind === 'calls' ? 'calls' : 'messages'}, ${formatBytes(f.bytes)}\n`);
    for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`exported ${formatCount(result.messages)} messages and ${formatCount(result.calls)} calls\n`);
  });
}
