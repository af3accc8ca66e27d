import type { Command } from 'commander';
import { CommandFailed, mediaOption, printJson, stopSignal, vaultDir, withQueue, type GlobalOptions } from '../context.js';
import { jobLine } from './jobs.js';
import { sourceLines } from './source.js';
import { countNoun, nounFor } from '../../formats/plural.js';
import type { SnapshotWatch } from '../../vault/snapshot/scheduled.js';

const sourceService = () => import('../../sources/source-service.js');

/** One line on the vault's own snapshots (its alert, if any, is printed with the others). */
function snapshotLine(w: SnapshotWatch): string {
  const schedule = w.scheduled ? 'scheduled' : 'not scheduled';
  if (w.last === null) return `snapshots of the vault: none yet (${schedule}): textvault snapshot --to DIR (README: Backing up Textvault)`;
  const failed = w.state === 'failing' && w.lastError !== null ? `; the last attempt failed ${w.lastError.at.slice(0, 16).replace('T', ' ')} UTC` : '';
  return `snapshots of the vault: last ${w.last.at.slice(0, 16).replace('T', ' ')} UTC to ${w.last.to} (${schedule})${failed}`;
}

export function registerStatus(program: Command, globals: () => GlobalOptions): void {
  program
    .command('status')
    .description('are backups still arriving? sources, alerts, jobs; exits 1 while an alert is active')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const [{ SourceService }, { evaluateAlerts }, { snapshotWatch }] = await Promise.all([
        sourceService(),
        import('../../vault/sources/alerts.js'),
        import('../../vault/snapshot/scheduled.js'),
      ]);
      const { status, running, snapshots } = await withQueue(globals(), false, async (queue, vault) => {
        // Judge health as of now, not as of the last check a running server made.
        await evaluateAlerts(queue.control.db);
        const service = new SourceService(vault, queue);
        const s = await service.status();
        const page = await queue.list({ limit: 50 });
        return { status: s, running: page.items.filter((j) => j.status === 'running' || j.status === 'queued'), snapshots: await snapshotWatch(vault) };
      });
      // The vault's own backups count as much as the phone's: an overdue or failing scheduled snapshot is an alert too.
      const alerts = [...status.alerts.map((a) => a.message), ...(snapshots.alert === null ? [] : [snapshots.alert])];
      if (opts.json === true) printJson({ ...status, jobs: running, snapshots });
      else {
        const out: string[] = [];
        for (const a of status.alerts) out.push(`ALERT since ${a.raisedAt.replace('T', ' ').slice(0, 16)}: ${a.message}`);
        if (snapshots.alert !== null) out.push(`ALERT: ${snapshots.alert}`);
        if (status.sources.length === 0) out.push('no sources: backups only arrive by textvault import (see textvault source add, textvault token create)');
        for (const s of status.sources) out.push(sourceLines(s));
        for (const j of running) out.push(jobLine(j));
        if (status.deletedOnPhone > 0) out.push(`${countNoun(status.deletedOnPhone, 'message')} deleted on a phone ${nounFor(status.deletedOnPhone, 'is', 'are')} still kept here`);
        for (const r of status.rejectedFiles.slice(0, 5)) out.push(`rejected ${r.originalName} (${r.rejectedAt.slice(0, 10)}): ${r.reason}`);
        out.push(snapshotLine(snapshots));
        if (alerts.length === 0) out.push('OK: every source delivered within its expected interval');
        process.stdout.write(out.join('\n') + '\n');
      }
      if (alerts.length > 0) throw new CommandFailed(alerts.join('\n'), { reported: opts.json !== true });
    });

  program
    .command('daemon')
    .description('run sources, jobs and alerts without the web server (until Ctrl-C)')
    .option('--json', 'print each job change as one JSON line (JSON Lines)')
    .action(async (opts: { json?: boolean }) => {
      const { ArchiveHost } = await import('../../sources/archive-host.js');
      // Every archive of the household (each account's), as `serve` runs them.
      const g = globals();
      const host = await ArchiveHost.open(vaultDir(g), {
        api: false,
        ...mediaOption(g),
        onOpen: (runtime) => {
          runtime.queue.on('job', (j) => {
            if (j.status !== 'queued') process.stdout.write((opts.json === true ? JSON.stringify(j) : jobLine(j)) + '\n');
          });
        },
      });
      try {
        const stopped = stopSignal();
        await host.start();
        const dir = host.homeDir;
        process.stdout.write(
          opts.json === true
            ? `${JSON.stringify({ daemon: 'started', vault: dir })}\n`
            : `textvault daemon: watching ${dir}; Ctrl-C to stop (a running import is rolled back and stays queued)\n`,
        );
        await stopped;
      } finally {
        // Stops every archive's running job first (rolled back, stays queued), then closes.
        await host.close();
      }
    });
}
