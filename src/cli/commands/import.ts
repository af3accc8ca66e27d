import type { Command } from 'commander';
import { passphraseSource } from '../passphrase.js';
import { importFile, type ImportResult } from '../../vault/import/import-backup.js';
import { CommandFailed, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { progressBar } from '../progress.js';

interface ImportCliOptions {
  json?: boolean;
  salvage?: boolean;
  ignoreWhitespace?: boolean;
  ignoreMilliseconds?: boolean;
  crossProtocol?: boolean;
  force?: boolean;
  passphraseFile?: string;
}

function summary(r: ImportResult): string {
  const c = r.counts;
  if (r.status === 'skipped') return `${r.file}: already imported, nothing new\n  ${r.regionNote}`;
  const what =
    r.content === 'calls'
      ? `${formatCount(r.calls)} calls`
      : r.content === 'contacts'
        ? `${formatCount(r.contacts)} contacts`
        : `${formatCount(r.sms)} SMS, ${formatCount(r.mms)} MMS`;
  const lines = [
    `${r.file}: ${r.status === 'partial' ? 'PARTIAL import' : 'imported'} ${formatCount(c.read)} records (${what}) in ${r.seconds.toFixed(1)} s: ` +
      `${formatCount(c.new)} new, ${formatCount(c.duplicate)} duplicate, ${formatCount(c.updated)} updated, ${formatCount(c.rejected)} rejected`,
    `  ${r.regionNote}`,
  ];
  if (r.salvageReason) lines.push(`  stopped at damage, kept everything before it: ${r.salvageReason}`);
  if (c.warnings > 0) {
    lines.push(`  ${formatCount(c.warnings)} warning(s):`);
    for (const w of r.warnings.slice(0, 5)) lines.push(`    line ${w.line}:${w.column}: ${w.message}`);
    if (c.warnings > 5) lines.push(`    ... (${formatCount(c.warnings - 5)} more; see textvault backups --json)`);
  }
  return lines.join('\n');
}

export function registerImport(program: Command, globals: () => GlobalOptions): void {
  program
    .command('import')
    .description(
      'import backups into the vault; the format is detected from the content: SMS Backup & Restore XML (also gzip/ZIP), SMS Import/Export ZIP, .ssef, calls and contacts JSON, Fossify Messages JSON, vCard contacts',
    )
    .argument('<files...>', 'backup files')
    .option('--json', 'print the result of each import as JSON')
    .option('--salvage', 'keep every complete record before damage in a broken file (recorded as a partial import)')
    .option('--force', 'read the file even if exactly the same bytes were imported before')
    .option('--passphrase-file <file>', 'passphrase of encrypted SMS Import/Export (.ssef) backups, read from this file (else asked in the terminal)')
    .option('--ignore-whitespace', 'for this run, treat bodies that differ only in whitespace as the same message')
    .option('--ignore-milliseconds', 'for this run, treat dates that differ only in milliseconds as the same')
    .option('--cross-protocol', 'for this run, treat an SMS and a text-only MMS/RCS copy of it as one message')
    .action(async (files: string[], opts: ImportCliOptions) => {
      const results: ImportResult[] = [];
      const failures: string[] = [];
      await withVault(globals(), true, async (vault) => {
        for (const file of files) {
          const bar = progressBar(file.length > 30 ? `…${file.slice(-29)}` : file, opts.json !== true);
          try {
            const rs = await importFile(vault, file, {
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
            if (opts.json !== true) for (const r of rs) process.stdout.write(summary(r) + '\n');
          } catch (e) {
            bar.stop();
            const msg = e instanceof Error ? e.message : String(e);
            failures.push(msg);
            process.stderr.write(`textvault: ${msg}\n  nothing from this file was imported; the vault is unchanged.\n`);
          }
        }
      });
      if (opts.json === true) printJson(results);
      if (failures.length > 0) throw new CommandFailed(`${failures.length} of ${files.length} file(s) could not be imported`);
    });
}
