import type { Command } from 'commander';
import { IMPORTABLE } from '../../formats/formats.js';
import { passphraseSource } from '../passphrase.js';
import type { ImportResult } from '../../vault/import/import-backup.js';
import { CommandFailed, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { progressBar } from '../progress.js';
import { terminalSafe } from '../terminal.js';
import { addImapOptions, imapConnectOptions, type ImapCliOptions } from '../imap.js';
import type { ImapFolderResult } from '../../sources/imap/import.js';
import { isImapUrl, parseImapUrl } from '../../sources/imap/target.js';
import { countNoun } from '../../formats/plural.js';

interface ImportCliOptions extends ImapCliOptions {
  json?: boolean;
  salvage?: boolean;
  ignoreWhitespace?: boolean;
  ignoreMilliseconds?: boolean;
  crossProtocol?: boolean;
  force?: boolean;
  passphraseFile?: string;
}

/** Whether this run printed the region note already. */
interface RunNotes {
  regionSaid: boolean;
}

/**
 * One import's lines. The region note (how numbers without a country code are read) is said
 * for the first file of a run only: the region is fixed per vault once chosen, so every later
 * file's note would only repeat it ("region US (configured)").
 */
function summary(r: ImportResult, notes: RunNotes = { regionSaid: false }): string {
  const c = r.counts;
  if (r.status === 'skipped') return `${r.file}: already imported, nothing new\n  ${r.regionNote}`;
  const what =
    r.content === 'calls'
      ? countNoun(r.calls, 'call')
      : r.content === 'contacts'
        ? countNoun(r.contacts, 'contact')
        : `${formatCount(r.sms)} SMS, ${formatCount(r.mms)} MMS${r.calls > 0 ? `, ${countNoun(r.calls, 'call')}` : ''}`;
  const lines = [
    `${r.file}: ${r.status === 'partial' ? 'PARTIAL import' : 'imported'} ${countNoun(c.read, 'record')} (${what}) in ${r.seconds.toFixed(1)} s: ` +
      `${formatCount(c.new)} new, ${formatCount(c.duplicate)} duplicate, ${formatCount(c.updated)} updated, ${formatCount(c.rejected)} rejected`,
  ];
  if (!notes.regionSaid) {
    notes.regionSaid = true;
    lines.push(`  ${r.regionNote}`);
  }
  if (r.skippedKnown) lines.push(`  ${r.skippedKnown.note} (--force reads them again)`);
  if (r.salvageReason) lines.push(`  stopped at damage, kept everything before it: ${r.salvageReason}`);
  if (c.warnings > 0) {
    lines.push(`  ${countNoun(c.warnings, 'warning')}:`);
    for (const w of r.warnings.slice(0, 5)) lines.push(`    line ${w.line}:${w.column}: ${w.message}`);
    if (c.warnings > 5) lines.push(`    ... (${formatCount(c.warnings - 5)} more; see textvault backups --json)`);
  }
  return lines.join('\n');
}

function folderSummary(f: ImapFolderResult, notes: RunNotes): string {
  if (f.status === 'missing') return `${f.url}: no such folder on the server; skipped`;
  if (f.status === 'up-to-date') return `${f.url}: nothing new since the last import`;
  const note = f.reread ? '\n  the folder was renumbered (UIDVALIDITY changed) and read again from the start' : '';
  return f.result === undefined ? `${f.url}: fetched ${countNoun(f.fetched, 'mail')}` : summary(f.result, notes) + note;
}

export function registerImport(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command('import')
    .description(
      `import backups into the vault; the format is detected from the content: ${IMPORTABLE.map((f) => f.label).join('; ')}`,
    )
    .argument('<files...>', 'backup files, folders of SMS Backup+ .eml files, Helium carbon/ folders, or SMS Backup+ IMAP folders as imap://user@host[:port]/SMS')
    .option('--json', 'print the result of each import as JSON')
    .option('--salvage', 'keep every complete record before damage in a broken file (recorded as a partial import)')
    .option('--force', 'read the file even if exactly the same bytes were imported before')
    .option('--passphrase-file <file>', 'passphrase of encrypted backups (SMS Import/Export .ssef, Android .ab), read from this file (else asked in the terminal)')
    .option('--ignore-whitespace', 'for this run, treat bodies that differ only in whitespace as the same message')
    .option('--ignore-milliseconds', 'for this run, treat dates that differ only in milliseconds as the same')
    .option('--cross-protocol', 'for this run, treat an SMS and a text-only MMS/RCS copy of it as one message');
  addImapOptions(command).action(async (files: string[], opts: ImportCliOptions) => {
    const results: (ImportResult | ImapFolderResult)[] = [];
    const notes: RunNotes = { regionSaid: false };
    const failures: string[] = [];
    await withVault(globals(), true, async (vault) => {
      for (const file of files) {
        const bar = progressBar(file.length > 30 ? `…${file.slice(-29)}` : file, opts.json !== true);
        try {
          if (isImapUrl(file)) {
            const target = parseImapUrl(file);
            const { importImap } = await import('../../sources/imap/import.js');
            const folders = await importImap(vault, target, {
              ...(await imapConnectOptions(target, opts)),
              ...(opts.callsFolder === undefined ? {} : { callFolder: opts.callsFolder }),
              match: {
                ...(opts.ignoreWhitespace ? { ignoreWhitespace: true } : {}),
                ...(opts.ignoreMilliseconds ? { ignoreMilliseconds: true } : {}),
                ...(opts.crossProtocol ? { crossProtocol: true } : {}),
              },
              onProgress: (p) => {
                bar.update(p.bytesRead, Math.max(p.bytesTotal, p.bytesRead), p.records);
              },
            });
            bar.stop();
            results.push(...folders);
            if (opts.json !== true) for (const f of folders) process.stdout.write(folderSummary(f, notes) + '\n');
            continue;
          }
          const { importFile } = await import('../../vault/import/import-backup.js');
          const rs = await importFile(vault, file, {
            // The person waits for this import: a large one may lock other processes out meanwhile.
            bulkJournal: true,
            salvage: opts.salvage === true,
            force: opts.force === true,
            passphrase: passphraseSource(opts.passphraseFile),
            match: {
              ...(opts.ignoreWhitespace ? { ignoreWhitespace: true } : {}),
              ...(opts.ignoreMilliseconds ? { ignoreMilliseconds: true } : {}),
              ...(opts.crossProtocol ? { crossProtocol: true } : {}),
            },
            onProgress: (p) => {
              bar.update(p.bytesRead, p.bytesTotal, p.records);
            },
          });
          bar.stop();
          results.push(...rs);
          if (opts.json !== true) for (const r of rs) process.stdout.write(summary(r, notes) + '\n');
        } catch (e) {
          bar.stop();
          // The message may quote the file's name or content: inert on a terminal.
          const msg = terminalSafe(e instanceof Error ? e.message : String(e));
          failures.push(msg);
          process.stderr.write(
            isImapUrl(file)
              ? `textvault: ${msg}\n  folders imported before this error are kept; the one that failed changed nothing.\n`
              : `textvault: ${msg}\n  nothing from this file was imported; the vault is unchanged.\n`,
          );
        }
      }
    });
    if (opts.json === true) printJson(results);
    // One file: its error above says it all; a count would only repeat it.
    if (failures.length > 0)
      throw new CommandFailed(`${failures.length} of ${countNoun(files.length, 'file')} could not be imported`, { reported: files.length === 1 });
  });
}
