import type { Command } from 'commander';
import { formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { countNoun, nounFor } from '../../formats/plural.js';

export function registerGc(program: Command, globals: () => GlobalOptions): void {
  program
    .command('gc')
    .description('give back the space of media nothing references and compact media packs (safe while imports run; run it again if it was stopped)')
    .option('--no-compact', 'only remove what nothing references; leave the packs as they are')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { compact: boolean; json?: boolean }) => {
      const { collectGarbage } = await import('../../vault/gc.js');
      const report = await withVault(globals(), false, (vault) => collectGarbage(vault, { compact: opts.compact }));
      if (opts.json === true) {
        printJson(report);
        return;
      }
      const out: string[] = [];
      out.push(`removed ${countNoun(report.rowsRemoved, 'media record')} no message or contact uses, and ${countNoun(report.blobsRemoved, 'stored media file')} no record registers (${formatBytes(report.fileBytesFreed)} of files of their own)`);
      if (report.unindexedPacksRemoved > 0) out.push(`removed ${countNoun(report.unindexedPacksRemoved, 'media pack')} left by interrupted imports (${formatBytes(report.unindexedBytesFreed)})`);
      if (report.blobsRecovered > 0) out.push(`found ${countNoun(report.blobsRecovered, 'media file')} the pack index had lost, and indexed them again`);
      if (report.leftoversRemoved > 0) out.push(`removed ${countNoun(report.leftoversRemoved, 'temporary file')} of interrupted imports or of an interrupted gc`);
      const c = report.compaction;
      if (c !== null)
        out.push(
          `compacted ${countNoun(c.packsRewritten, 'pack')} into ${formatCount(c.packsWritten)} (${formatCount(c.blobsMoved)} media moved, ${formatBytes(Math.max(0, c.bytesReclaimed))} given back${c.oldFormatRewritten > 0 ? `, ${countNoun(c.oldFormatRewritten, 'old-format pack')} now with headers` : ''})`,
        );
      for (const name of c?.damaged ?? []) out.push(`WARNING: pack ${name} holds media whose bytes do not match their names: left as it was; run textvault verify`);
      if (report.oldFormatUnindexed.length > 0)
        out.push(
          `WARNING: ${countNoun(report.oldFormatUnindexed.length, 'old-format media pack')} ${nounFor(report.oldFormatUnindexed.length, 'is', 'are')} not in the pack index and were kept (${report.oldFormatUnindexed.join(', ')}): packs written before headers cannot be read without the index; restore blobs/packs/index.db from a backup of the vault`,
        );
      out.push(`done in ${report.seconds.toFixed(1)} s`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
