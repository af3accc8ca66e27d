import { countNoun } from '../../formats/plural.js';
import type { Command } from 'commander';
import type { Job, JobQueue } from '../../vault/jobs/index.js';
import { CommandFailed, formatBytes, printJson, stopSignal, withQueue, type GlobalOptions } from '../context.js';
import { passphraseSource } from '../passphrase.js';

/** How long `jobs cancel` waits for the process running a job to stop it. */
const CANCEL_WAIT_MS = 30_000;

function parseId(v: string): number {
  const id = Number(v);
  if (!Number.isSafeInteger(id) || id <= 0) throw new CommandFailed(`"${v}" is not a job number; textvault jobs list shows them`);
  return id;
}

function ended(j: Job): boolean {
  return j.status === 'done' || j.status === 'failed' || j.status === 'cancelled';
}

/** The job once it is no longer running (another process stops it), or as it is after `ms`. */
async function settled(queue: JobQueue, job: Job, ms: number): Promise<Job> {
  const until = Date.now() + ms;
  let j = job;
  while (j.status === 'running' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    j = (await queue.get(j.id)) ?? j;
  }
  return j;
}


function progressText(j: Job): string {
  const p = j.progress;
  const show = (n: number): string => (p.unit === 'bytes' ? formatBytes(n) : `${n} media`);
  const expanded = expandedText(p.done, p.expanded);
  if (p.total === null || p.total === 0) return p.done > 0 ? show(p.done) + expanded : '';
  return `${Math.floor((100 * p.done) / p.total)}% of ${show(p.total)}${expanded}`;
}

/** What an import decompressed, when it is more than it read from disk (a ZIP or gzip file). */
function expandedText(done: number, expanded: number | undefined): string {
  return expanded !== undefined && expanded > done ? `, ${formatBytes(expanded)} uncompressed` : '';
}

export function jobLine(j: Job): string {
  const when = (j.endedAt ?? j.startedAt ?? j.createdAt).replace('T', ' ').slice(0, 19);
  const what = j.kind === 'import' ? `import ${j.file ?? ''}` : j.kind;
  const progress = j.status === 'running' ? ` ${progressText(j)}${j.cancelRequested ? ' (cancelling)' : ''}` : '';
  const error = j.error === null ? '' : `\n    ${j.error}`;
  return `#${j.id} ${when}  ${j.status}${progress}  ${what}${error}`;
}

export function registerJobs(program: Command, globals: () => GlobalOptions): void {
  const jobs = program.command('jobs').description('background jobs (imports, verifies, exports): list, run, cancel or retry them');
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
    .description('run queued jobs until none is left (Ctrl-C stops the running one; it stays queued)')
    .option('--json', 'print the jobs that ended as a JSON array')
    .action(async (opts: { json?: boolean }) => {
      const finished: Job[] = [];
      await withQueue(globals(), false, async (queue) => {
        queue.on('job', (j) => {
          if (ended(j)) finished.push(j);
          if (opts.json !== true && j.status !== 'queued') process.stdout.write(jobLine(j) + '\n');
        });
        const stopped = stopSignal();
        await queue.start();
        // Ctrl-C is an orderly stop: the running import is rolled back and stays queued.
        await Promise.race([queue.idle(), stopped.then(() => queue.stop({ interrupt: true }))]);
      });
      if (opts.json === true) printJson(finished);
      const failed = finished.filter((j) => j.status === 'failed').length;
      if (failed > 0) throw new CommandFailed(`${countNoun(failed, 'job')} failed`);
    });
  jobs
    .command('cancel <id>')
    .description('cancel a queued or running job (a running import is rolled back: the vault stays as it was)')
    .option('--json', 'print the job as JSON')
    .action(async (idText: string, opts: { json?: boolean }) => {
      const id = parseId(idText);
      const job = await withQueue(globals(), false, async (queue) => settled(queue, await queue.cancel(id), CANCEL_WAIT_MS));
      if (opts.json === true) printJson(job);
      else process.stdout.write(jobLine(job) + '\n');
      if (job.status === 'running') throw new CommandFailed(`job ${id} was asked to stop, but the process running it has not stopped it yet; textvault jobs list shows when it has`);
    });
  jobs
    .command('passphrase <id>')
    .description("give an encrypted backup's password to the import job that stopped for want of it (or had a wrong one), and queue it again; the password is kept sealed for that job only and deleted when it ends")
    .option('--passphrase-file <file>', 'read the password from this file (else asked in the terminal)')
    .option('--json', 'print the job as JSON')
    .action(async (idText: string, opts: { passphraseFile?: string; json?: boolean }) => {
      const id = parseId(idText);
      const passphrase = await passphraseSource(opts.passphraseFile)();
      const job = await withQueue(globals(), false, (queue) => queue.retryWithPassphrase(id, passphrase));
      if (opts.json === true) printJson(job);
      else process.stdout.write(`${jobLine(job)}\n(a running textvault serve or daemon runs it; or run textvault jobs run)\n`);
    });
  jobs
    .command('retry <id>')
    .description('queue a failed or cancelled job again (e.g. one that crashed the server)')
    .option('--json', 'print the job as JSON')
    .action(async (idText: string, opts: { json?: boolean }) => {
      const id = parseId(idText);
      const job = await withQueue(globals(), false, (queue) => queue.retry(id));
      if (opts.json === true) printJson(job);
      else process.stdout.write(`${jobLine(job)}\n(a running textvault serve or daemon runs it; or run textvault jobs run)\n`);
    });
}
