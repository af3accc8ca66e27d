import type { Command } from 'commander';
import { formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { countNoun } from '../../formats/plural.js';

export function registerBackups(program: Command, globals: () => GlobalOptions): void {
  program
    .command('backups')
    .description('list every import run: when, which file, format, and what it added')
    .option('--json', 'print as JSON')
    .option('--limit <n>', 'only the most recent N runs', (v) => Number.parseInt(v, 10))
    .action(async (opts: { json?: boolean; limit?: number }) => {
      const { listBackups } = await import('../../vault/backups.js');
      const runs = await withVault(globals(), false, (vault) => listBackups(vault, { limit: opts.limit }));
      const iso = (ms: number): string => new Date(ms).toISOString();
      if (opts.json === true) {
        // The command line's JSON gives times as ISO text, like its other commands.
        printJson(runs.map((r) => ({ ...r, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt), backupDate: r.backupDate === null ? null : iso(r.backupDate) })));
        return;
      }
      if (runs.length === 0) {
        process.stdout.write('no backups imported yet\n');
        return;
      }
      for (const r of runs) {
        process.stdout.write(
          `#${r.id} ${iso(r.startedAt).replace('T', ' ').slice(0, 19)}  ${r.file} (${r.format}, ${r.content}, ${formatBytes(r.size)})  ${r.status}\n` +
            `    ${formatCount(r.read)} read: ${formatCount(r.new)} new, ${formatCount(r.duplicate)} duplicate, ` +
            `${formatCount(r.updated)} updated, ${formatCount(r.rejected)} rejected, ${countNoun(r.warnings, 'warning')}\n`,
        );
      }
    });
}
