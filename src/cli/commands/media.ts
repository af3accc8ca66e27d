import type { Command } from 'commander';
import { CommandFailed, formatBytes, printJson, withVault, type GlobalOptions } from '../context.js';
import { withProgressBar } from '../progress.js';
import { countNoun } from '../../formats/plural.js';

/** `textvault media prebuild|prune`: the media made for the browser (vault/media/derived-media.ts). */
export function registerMedia(program: Command, globals: () => GlobalOptions): void {
  const media = program.command('media').description('media made for the browser from the originals (JPEG of HEIC, MP4 of 3GP, thumbnails): made on first view, or ahead of time');

  media
    .command('prebuild')
    .description('convert every photo, video and voice note not converted yet, so threads open without waiting (needs ffmpeg, and heif-dec for HEIC)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const [{ prebuildDerived }, { ToolMissingError }] = await Promise.all([import('../../vault/media/derived-upkeep.js'), import('../../vault/media/programs.js')]);
      const report = await withVault(globals(), false, (vault) =>
        withProgressBar('converting media', opts.json !== true, 'records', (onProgress) => prebuildDerived(vault, { onProgress })).catch((e: unknown) => {
          throw e instanceof ToolMissingError ? new CommandFailed(e.message) : e;
        }),
      );
      if (opts.json === true) {
        printJson(report);
        return;
      }
      process.stdout.write(
        `${countNoun(report.originals, 'media file')}: ${String(report.converted)} converted, ${String(report.cached)} already done, ${String(report.failed)} could not be converted (their originals stay downloadable); ${report.seconds.toFixed(1)} s\n`,
      );
    });

  media
    .command('prune')
    .description('drop every converted file and thumbnail (they are made again when viewed, or by media prebuild); originals are never touched')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { pruneDerived } = await import('../../vault/media/derived-upkeep.js');
      const report = await withVault(globals(), false, (vault) => pruneDerived(vault));
      if (opts.json === true) {
        printJson(report);
        return;
      }
      process.stdout.write(
        `removed ${countNoun(report.blobsRemoved, 'converted file')} (${countNoun(report.rowsRemoved, 'record')}; ${formatBytes(report.fileBytesFreed)} of files of their own, the rest given back by textvault gc)\n`,
      );
    });
}
