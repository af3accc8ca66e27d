import type { Command } from 'commander';
import { CommandFailed, formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';

export function registerMigrate(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description(
      "move the vault's media to S3-compatible storage: textvault migrate --media s3://BUCKET/PREFIX (endpoint, region and keys from the AWS_* environment variables). Imports wait meanwhile; if it is stopped, run it again: it goes on where it stopped. The vault folder's blobs/ is left as it was",
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const target = globals().media ?? process.env.TEXTVAULT_MEDIA;
      if (target === undefined || target === '') throw new CommandFailed('say where to: textvault migrate --media s3://BUCKET/PREFIX (moving the archive to PostgreSQL is not supported yet)');
      const { migrateMedia } = await import('../../vault/media-migration.js');
      const tty = process.stderr.isTTY && opts.json !== true;
      let lastLine = 0;
      // The vault opens on the media it has now; the target is the migration's business.
      const report = await withVault({ ...globals(), media: '' }, false, (vault) =>
        migrateMedia(vault, target, {
          onProgress: (p) => {
            if (opts.json === true) return;
            const now = Date.now();
            if (p.done < p.total && now - lastLine < 1000) return;
            lastLine = now;
            const line = `${formatCount(p.done)} of ${formatCount(p.total)} media (${formatBytes(p.copiedBytes)} copied)`;
            process.stderr.write(tty ? `\r${line}` : `${line}\n`);
          },
        }),
      );
      if (tty) process.stderr.write('\n');
      if (opts.json === true) {
        printJson(report);
        return;
      }
      process.stdout.write(
        `the vault's media are now in ${report.url}: ${formatCount(report.copied)} copied (${formatBytes(report.copiedBytes)}), ${formatCount(report.present)} already there, in ${report.seconds.toFixed(1)} s\n` +
          "its folder's blobs/ is no longer used: remove it once textvault verify passes. Restart any running textvault serve or daemon\n",
      );
    });
}
