import path from 'node:path';
import { countNoun } from '../../formats/plural.js';
import { Option, type Command } from 'commander';
import type { JobQueue, Job } from '../../vault/jobs/index.js';
import type { Source } from '../../vault/sources/registry.js';
import type { FolderConfig, ImapConfig, PublicImapConfig } from '../../vault/sources/source-config.js';
import { formatDuration } from '../../vault/durations.js';
import { AFTER_IMPORT, parseSourceDuration, SourceConfigError, type AfterImport } from '../../vault/sources/source-options.js';
import { CommandFailed, printJson, withQueue, type GlobalOptions } from '../context.js';
import { jobLine } from './jobs.js';

interface AddOptions {
  folder?: string;
  imap?: string;
  passwordFile?: string;
  passwordEnv?: string;
  passphraseFile?: string;
  schedule?: string;
  expect?: string;
  settle?: string;
  after?: string;
  imapSecurity?: 'tls' | 'starttls' | 'plain';
  insecure?: boolean;
  caFile?: string;
  callsFolder?: string;
  json?: boolean;
}

export function sourceLines(s: Source): string {
  const where = s.kind === 'folder' ? (s.config as FolderConfig).path : s.kind === 'imap' ? (s.config as PublicImapConfig).url : 'uploads with its token';
  const h = s.health;
  const when = (iso: string | null): string => (iso === null ? 'never' : iso.replace('T', ' ').slice(0, 16));
  const lines = [
    `#${s.id} ${s.name} (${s.kind}: ${where})  schedule ${s.schedule}${s.enabled ? '' : '  PAUSED'}`,
    `    last run ${when(h.lastRunAt)}, last success ${when(h.lastSuccessAt)}, last new backup ${when(h.lastDeliveryAt)}, newest message ${when(h.newestMessageAt)}`,
    `    alert after ${formatDuration(s.expectedIntervalMs)} without a new backup${h.nextRunAt === null ? '' : `; next run ${when(h.nextRunAt)}`}`,
  ];
  if (s.kind === 'imap' && (s.config as PublicImapConfig).unconfirmedServerRefs === true) {
    lines.push(`    HELD: names files or variables of the server set before the security update; check them, then: textvault source confirm ${s.name}`);
  }
  if (s.kind === 'folder' && (s.config as FolderConfig).passphraseFile !== undefined) lines.push(`    encrypted backups: password from ${(s.config as FolderConfig).passphraseFile ?? ''}`);
  if (h.lastError !== null) lines.push(`    last error (${when(h.lastErrorAt)}): ${h.lastError}`);
  return lines.join('\n');
}

const registry = () => import('../../vault/sources/registry.js');

export function registerSource(program: Command, globals: () => GlobalOptions): void {
  const source = program.command('source').description('where backups come from: watched folders, IMAP mailboxes, upload devices');
  source
    .command('add')
    .description('add a watched folder (--folder) or an SMS Backup+ IMAP mailbox (--imap); upload devices are added with textvault token create')
    .argument('<name>', 'a name for the source, e.g. "Pixel 8 (Syncthing)"')
    .option('--folder <dir>', 'watch this folder for backup files')
    .option('--imap <url>', 'poll this mailbox folder, e.g. imaps://me@imap.gmail.com/SMS')
    .option('--password-file <file>', 'IMAP: read the password from this file')
    .option('--password-env <name>', 'IMAP: read the password from this environment variable')
    .addOption(new Option('--imap-security <mode>', 'IMAP: tls (default), or starttls / plain for a server on your own network').choices(['tls', 'starttls', 'plain']))
    .option('--insecure', 'IMAP: accept a certificate that does not verify (only for a server you control)')
    .option('--ca-file <pem>', "IMAP: trust this certificate (a self-hosted server's own)")
    .option('--calls-folder <name>', 'IMAP: the call-log folder (SMS Backup+ default "Call log")')
    .option('--schedule <when>', 'continuous (folders only), hourly, daily, weekly, or a cron expression like "30 2 * * *"')
    .option('--expect <duration>', 'raise an alert when no new backup arrived for this long (default 3d)')
    .option('--settle <duration>', 'folders: a file is complete once unchanged for this long (default 10s)')
    .option('--after <action>', `folders: after a verified import: ${AFTER_IMPORT.join(', ')} (default keep)`)
    .option('--passphrase-file <file>', 'folders: the password of encrypted backups found there (.ab, .ssef), read from this file at each import')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: AddOptions) => {
      if ((opts.folder === undefined) === (opts.imap === undefined)) throw new CommandFailed('give exactly one of --folder DIR or --imap URL');
      if (opts.passphraseFile !== undefined && opts.folder === undefined) throw new CommandFailed('--passphrase-file is for watched folders (--folder DIR); an IMAP mailbox holds no encrypted backups');
      if (opts.after !== undefined && !(AFTER_IMPORT as readonly string[]).includes(opts.after)) throw new CommandFailed(`--after must be one of ${AFTER_IMPORT.join(', ')}`);
      const { addSource } = await registry();
      const added = await withQueue(globals(), true, async (queue, vault) => {
        const expected = opts.expect === undefined ? undefined : parseSourceDuration(opts.expect);
        if (opts.folder !== undefined) {
          const { assertNotVaultFolder, assertUsableFolder } = await import('../../vault/sources/folder-policy.js');
          // Its files are moved and deleted: never the vault's own folder (its live databases) or a parent of it.
          assertNotVaultFolder(opts.folder, vault.dir);
          const folder = path.resolve(opts.folder);
          // A mistyped folder would be accepted and say "nothing new" for ever (issue 26 item 2).
          assertUsableFolder(folder, { writable: opts.after !== undefined && opts.after !== 'keep' });
          const config: Partial<FolderConfig> = { path: folder };
          if (opts.settle !== undefined) config.settleMs = parseSourceDuration(opts.settle);
          if (opts.after !== undefined) config.afterImport = opts.after as AfterImport;
          if (opts.passphraseFile !== undefined) {
            // Checked now: a mistyped file would otherwise surface only when an encrypted backup arrives.
            const file = path.resolve(opts.passphraseFile);
            const { passphraseFromFile } = await import('../../vault/jobs/job-secrets.js');
            passphraseFromFile(file);
            config.passphraseFile = file;
          }
          return await addSource(queue.control.db, { name, kind: 'folder', config, schedule: opts.schedule, expectedIntervalMs: expected });
        }
        if (opts.imap !== undefined && /^imaps?:\/\/[^/]*:[^/]*@/i.test(opts.imap)) {
          throw new SourceConfigError('do not put the password in the IMAP URL (it would be stored and shown): use --password-file or --password-env');
        }
        const config: Partial<ImapConfig> = {
          url: opts.imap,
          passwordFile: opts.passwordFile === undefined ? undefined : path.resolve(opts.passwordFile),
          passwordEnv: opts.passwordEnv,
          security: opts.imapSecurity,
          insecure: opts.insecure === true,
          caFile: opts.caFile === undefined ? undefined : path.resolve(opts.caFile),
          callsFolder: opts.callsFolder,
        };
        return await addSource(queue.control.db, { name, kind: 'imap', config, schedule: opts.schedule, expectedIntervalMs: expected });
      });
      if (opts.json === true) printJson(added);
      else process.stdout.write(`added source ${sourceLines(added)}\n(it runs while textvault serve or textvault daemon is running; textvault source run ${added.id} runs it once now)\n`);
    });
  source
    .command('list')
    .description('every source with its health')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listSources } = await registry();
      const sources = await withQueue(globals(), true, (queue) => listSources(queue.control.db));
      if (opts.json === true) printJson(sources);
      else if (sources.length === 0) process.stdout.write('no sources (textvault source add NAME --folder DIR)\n');
      else for (const s of sources) process.stdout.write(sourceLines(s) + '\n');
    });
  source
    .command('remove')
    .description('remove a source (what it imported stays in the vault)')
    .argument('<source>', 'source id or name')
    .option('--json', 'print the removed source as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { removeSource } = await registry();
      const removed = await withQueue(globals(), false, (queue) => removeSource(queue.control.db, ref));
      if (opts.json === true) printJson(removed);
      else process.stdout.write(`removed source #${removed.id} ${removed.name}; its backups stay in the vault\n`);
    });
  source
    .command('confirm')
    .description(
      'let an IMAP mailbox held by the upgrade run again: you vouch that the password file, variable or certificate file it names (any web user could set them before) are the ones you meant',
    )
    .argument('<source>', 'source id or name')
    .option('--json', 'print the source as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { confirmServerRefs } = await registry();
      const { source: confirmed, names } = await withQueue(globals(), false, (queue) => confirmServerRefs(queue.control.db, ref));
      if (opts.json === true) printJson(confirmed);
      else process.stdout.write(`confirmed source #${confirmed.id} ${confirmed.name}${names.length === 0 ? '' : `: it reads the ${names.join(', the ')}`}
`);
    });
  for (const [name, enabled] of [['disable', false], ['enable', true]] as const) {
    source
      .command(name)
      .description(
        enabled
          ? 'resume a paused source'
          : 'pause a source: a folder is not watched, a mailbox not polled, a device\'s uploads are refused, and it raises no alert (its backups stay)',
      )
      .argument('<source>', 'source id or name')
      .option('--json', 'print the source as JSON')
      .action(async (ref: string, opts: { json?: boolean }) => {
        const { setSourceEnabled } = await registry();
        const changed = await withQueue(globals(), false, (queue) => setSourceEnabled(queue.control.db, ref, enabled));
        if (opts.json === true) printJson(changed);
        else process.stdout.write(`${enabled ? 'resumed' : 'paused'} source ${sourceLines(changed)}\n(a running textvault serve or daemon picks this up within 30 s)\n`);
      });
  }
  source
    .command('run')
    .description('run a source once now (scan the folder, poll the mailbox) and import what it finds')
    .argument('<source>', 'source id or name')
    .option('--json', 'print the jobs as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { SourceService } = await import('../../sources/source-service.js');
      const jobs = await withQueue(globals(), false, async (queue, vault) => {
        const service = new SourceService(vault, queue);
        try {
          const queued = await service.runNow(ref);
          await queue.start();
          const ended: Job[] = [];
          for (const j of queued) {
            await waitForJob(queue, j.id);
            const done = await queue.get(j.id);
            if (done !== undefined) ended.push(done);
          }
          return ended;
        } finally {
          await service.stop();
        }
      });
      if (opts.json === true) printJson(jobs);
      else if (jobs.length === 0) process.stdout.write('nothing new to import\n');
      else for (const j of jobs) process.stdout.write(jobLine(j) + '\n');
      const failed = jobs.filter((j) => j.status === 'failed').length;
      if (failed > 0) throw new CommandFailed(`${failed} of ${countNoun(jobs.length, 'import')} failed`);
    });
}

/** Resolves once the job has ended (the queue runs it, or another process does). */
function waitForJob(queue: JobQueue, id: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      void queue.get(id).then((j) => {
        if (j === undefined || j.status === 'done' || j.status === 'failed' || j.status === 'cancelled') {
          queue.off('finished', onEnd);
          clearInterval(poll);
          resolve();
        }
      });
    };
    const onEnd = (): void => {
      check();
    };
    queue.on('finished', onEnd);
    // Another process (the server) may be the one running it.
    const poll = setInterval(check, 1000);
    check();
  });
}
