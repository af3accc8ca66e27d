import type { Command } from 'commander';
import { CommandFailed, formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { progressBar } from '../progress.js';
import type { IndexRebuild } from '../../vault/repair.js';
import { countNoun, nounFor } from '../../formats/plural.js';

function repairText(r: IndexRebuild): string {
  const out: string[] = [];
  if (r.damagedIndexMovedTo !== undefined) out.push(`the media pack index was damaged: moved to ${r.damagedIndexMovedTo}, a new one built`);
  out.push(`media index: read ${formatCount(r.scannedPacks)} of ${countNoun(r.packs, 'pack')}, found ${formatCount(r.blobsFound)} media, added ${formatCount(r.blobsAdded)} the index lacked`);
  if (r.oldFormatIndexed.length > 0)
    out.push(`${countNoun(r.oldFormatIndexed.length, 'pack')} of the old format (before pack headers) ${nounFor(r.oldFormatIndexed.length, 'is', 'are')} readable through the index but could not be rebuilt without it: textvault gc rewrites them in the new format`);
  if (r.oldFormatUnindexed.length > 0)
    out.push(
      `NOT REPAIRED: ${countNoun(r.oldFormatUnindexed.length, 'pack')} of the old format ${nounFor(r.oldFormatUnindexed.length, 'is', 'are')} not in the index (${r.oldFormatUnindexed.join(', ')}): packs written before headers cannot be rebuilt from alone; restore blobs/packs/index.db from a backup of the vault`,
    );
  return out.join('\n') + '\n';
}

export function registerVerify(program: Command, globals: () => GlobalOptions): void {
  program
    .command('verify')
    .description('check database integrity and re-hash every media file; exits 1 on any problem')
    .option('--repair', 'first rebuild the media pack index (blobs/packs/index.db) from the packs, if it was lost or damaged')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean; repair?: boolean }) => {
      const { verifyVault } = await import('../../vault/verify.js');
      const bar = progressBar('verifying media', opts.json !== true);
      const { report, repair } = await withVault(globals(), false, async (vault) => {
        let repair: IndexRebuild | undefined;
        if (opts.repair === true) {
          const { repairMediaIndex } = await import('../../vault/repair.js');
          repair = await repairMediaIndex(vault);
        }
        const report = await verifyVault(vault, (done, total) => {
          bar.update(done, total, done);
        });
        return { report, repair };
      });
      bar.stop();
      if (opts.json === true) printJson(repair === undefined ? report : { ...report, repair });
      else {
        if (repair !== undefined) process.stdout.write(repairText(repair));
        const c = report.checked;
        process.stdout.write(
          `checked ${countNoun(c.messages, 'message')}, ${countNoun(c.calls, 'call')}, ${countNoun(c.blobs, 'media file')} (${formatBytes(c.bytes)}) in ${report.seconds.toFixed(1)} s\n`,
        );
        const d = report.derived;
        if (d.files > 0 || d.failed > 0)
          process.stdout.write(
            `media made for the browser (rebuildable, not archive data): ${countNoun(d.files, 'file')} (${formatBytes(d.bytes)})${d.missing + d.damaged > 0 ? `, ${String(d.missing)} missing and ${String(d.damaged)} damaged: made again when viewed, or run textvault media prune` : ''}${d.failed > 0 ? `; ${countNoun(d.failed, 'original')} could not be converted` : ''}
`,
          );
        if (report.unreferencedBlobs > 0)
          process.stdout.write(`${countNoun(report.unreferencedBlobs, 'media file')} no message uses (left by an interrupted import, or of replaced messages; harmless: textvault gc removes them)\n`);
        if (report.unindexedPacks > 0)
          process.stdout.write(`${countNoun(report.unindexedPacks, 'media pack')} in blobs/packs that no index entry refers to (left by an interrupted import; harmless: the next import indexes their media, textvault gc those the archive needs, and either removes the rest)\n`);
        for (const p of report.problems) process.stdout.write(`PROBLEM: ${p}\n`);
        if (repair === undefined && report.unindexedPacks > 0 && report.problems.some((p) => p.includes(' is missing from ')))
          process.stdout.write('media in packs is missing: if blobs/packs/index.db was lost or damaged, textvault verify --repair rebuilds it from the packs\n');
        process.stdout.write(report.ok ? 'vault OK\n' : `${countNoun(report.problems.length, 'problem')} found\n`);
      }
      if (!report.ok) throw new CommandFailed('verify found problems', { reported: true });
    });
}
