import type { Command } from 'commander';
import type { Job } from '../../vault/jobs/index.js';
import { CommandFailed, formatBytes, printJson, withQueue, type GlobalOptions } from '../context.js';

function progressText(j: Job): string {
  const p = j.progress;
  const show = (n: number): string => (p.unit === 'bytes' ? formatBytes(n) : `${n} media`);
  if (p.total === null || p.total === 0) return p.done > 0 ? show(p.done) : '';
  return `${Math.floor((100 * p.done) / p.total)}% of ${show(p.total)}`;
}

export function jobLine(j: Job): string {
  const when = (j.endedAt ?? j.startedAt ?? j.createdAt).replace('T', ' ').slice(0, 19);
  const what = j.kind === 'import' ? `import ${j.file ?? ''}` : 'verify';
  const progress = j.status === 'running' ? ` ${progressText(j)}` : '';
  const error = j.error === null ? '' : `\n    ${j.error}`;
  return `#${j.id} ${when}  ${j.status}${progress}  ${what}${error}`;
}

export function registerJobs(program: Command, globals: () => GlobalOptions): void {
  const jobs = program.command('jobs').description('background jobs (imports, verifies): list them, or run the queue');
  jobs
    .command('list', { isDefault: true })
    .description('list jobs, newest first (the default)')
    .option('--json', 'print as JSON')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .action(async (opts: { json?: boolean; limit: number }) => {
      const page = await withQueue(globals(), false, (queue) => queue.list({ limit: opts.limit }));
      if (opts.json === true) printJson(page.items);
      else if (page.items.length === 0) process.stdout.write('no jobs\n');
      else for (const j of page.items) process.stdout.write(jobLine(j) + '\n');
    });
  jobs
    .command('run')
    .description('run queued jobs (and resume interrupted ones) until none is left')
    .option('--json', 'print the jobs that ended as a JSON array')
    .action(async (opts: { json?: boolean }) => {
      const ended: Job[] = [];
      await withQueue(globals(), false, async (queue) => {
        queue.on('job', (j) => {
          if (j.status === 'done' || j.status === 'failed') ended.push(j);
          if (opts.json !== true && (j.status === 'running' || j.status === 'done' || j.status === 'failed')) process.stdout.write(jobLine(j) + '\n');
        });
        await queue.start();
        await queue.idle();
      });
      if (opts.json === true) printJson(ended);
      const failed = ended.filter((j) => j.status === 'failed').length;
      if (failed > 0) throw new CommandFailed(`${failed} job(s) failed`);
    });
}
