import type { Command } from 'commander';
import { CommandFailed, formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { progressBar } from '../progress.js';

export function registerVerify(program: Command, globals: () => GlobalOptions): void {
  program
    .command('verify')
    .description('check database integrity and re-hash every media file; exits 1 on any problem')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { verifyVault } = await import('../../vault/verify.js');
      const bar = progressBar('verifying media', opts.json !== true);
      const report = await withVault(globals(), false, (vault) =>
        verifyVault(vault, (done, total) => {
          bar.update(done, total, done);
        }),
      );
      bar.stop();
      if (opts.json === true) printJson(report);
      else {
        const c = report.checked;
        process.stdout.write(
          `checked ${formatCount(c.messages)} messages, ${formatCount(c.calls)} calls, ${formatCount(c.blobs)} media files (${formatBytes(c.bytes)}) in ${report.seconds.toFixed(1)} s\n`,
        );
        if (report.unreferencedBlobs > 0)
          process.stdout.write(`${formatCount(report.unreferencedBlobs)} media file(s) no message uses (left by an interrupted import; harmless)\n`);
        if (report.unindexedPacks > 0)
          process.stdout.write(`${formatCount(report.unindexedPacks)} media pack(s) in blobs/packs that no index entry refers to (left by an interrupted import; harmless, kept in case they hold media)\n`);
        for (const p of report.problems) process.stdout.write(`PROBLEM: ${p}\n`);
        process.stdout.write(report.ok ? 'vault OK\n' : `${formatCount(report.problems.length)} problem(s) found\n`);
      }
      if (!report.ok) throw new CommandFailed('verify found problems', { reported: true });
    });
}
