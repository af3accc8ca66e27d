/**
 * Runs a vault's sources: watches folders, polls mailboxes on their schedule, checks every
 * source's health and raises (and notifies) or clears alerts. The server and `textvault daemon`
 * start one; the CLI's `source run` and `status` use its parts directly.
 *
 *   const service = new SourceService(vault, queue, { notifiers: await notifiersFromConfig(vault) });
 *   await service.start();           // watchers, schedules, alert checks
 *   await service.alerts();          // open alerts: the app's banner
 *   await service.status();          // sources with health, alerts, deleted-on-phone count
 *   await service.runNow('Pixel');   // one pass of a source now: the jobs it queued
 *   await service.reload();          // after sources were added or removed
 *   await service.stop();
 */
import { activeAlerts, evaluateAlerts, markNotified, unnotifiedAlerts, type Alert } from '../vault/sources/alerts.js';
import type { Job, JobQueue } from '../vault/jobs/index.js';
import { countPhoneDeletions } from '../vault/sources/phone-deletions.js';
import { findSource, listRejectedFiles, listSources, noteError, type RejectedFile, type Source } from '../vault/sources/registry.js';
import type { FolderConfig, PublicImapConfig } from '../vault/sources/source-config.js';
import { allowedFolders } from '../vault/sources/web-sources.js';
import { folderProblem, FolderUnavailableError } from '../vault/sources/folder-policy.js';
import type { Vault } from '../vault/vault.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { FolderWatcher } from './folder-watcher.js';
import type { AlertEvent, Notifier } from './notify/notifier.js';
import { importMailboxViaImap } from './imap-mailbox.js';
import { Scheduler } from './scheduler.js';
import { registerMailboxImporter } from '../vault/sources/mailbox.js';

// Any process that runs sources (serve, daemon, source run) can poll IMAP mailboxes.
registerMailboxImporter(importMailboxViaImap);

export interface SourceServiceOptions {
  clock?: Clock;
  notifiers?: Notifier[];
  /** How often source health is checked (ms). Default 10 minutes. */
  alertCheckMs?: number;
  /** How often the sources table is checked for changes made by another process, e.g. the CLI (ms). Default 30 s. */
  reloadCheckMs?: number;
  /** Where notifier failures go (default: stderr). */
  onNotifyError?: (error: Error) => void;
}

export interface VaultStatus {
  sources: Source[];
  alerts: Alert[];
  /** Messages deleted on a phone that the vault still keeps. */
  deletedOnPhone: number;
  rejectedFiles: RejectedFile[];
}

export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError';
}

export class SourceService {
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly watchers = new Map<number, FolderWatcher>();
  private readonly watchedConfig = new Map<number, string>();
  /** Watchers of one-off runs, kept until their files' after-import steps are done. */
  private readonly oneShots = new Set<FolderWatcher>();
  private alertTimer: Timer | undefined;
  private reloadTimer: Timer | undefined;
  private fingerprint = '';
  private checking: Promise<void> = Promise.resolve();
  /** What was wrong with each folder source's folder when last looked (undefined: fine). */
  private readonly folderProblems = new Map<number, string | undefined>();
  private folderCheck: Promise<void> = Promise.resolve();
  private started = false;
  private readonly onFinished = (job: Job): void => {
    // A backup arriving clears its source's alert right away, not at the next periodic check.
    if (job.sourceId !== null) void this.checkAlerts();
  };

  constructor(
    readonly vault: Vault,
    readonly queue: JobQueue,
    private readonly options: SourceServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = new Scheduler(this.clock, (id) => this.scheduledRun(id));
  }

  private get db(): JobQueue['control']['db'] {
    return this.queue.control.db;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.queue.on('finished', this.onFinished);
    await this.reload();
    await this.checkAlerts();
    this.armAlertCheck();
    this.armReloadCheck();
  }

  /** Sources added or removed by another process (`textvault source add`) are picked up. */
  private armReloadCheck(): void {
    this.reloadTimer = this.clock.setTimer(this.options.reloadCheckMs ?? 30_000, () => {
      if (!this.started) return;
      void this.sourcesFingerprint()
        .then(async (f) => {
          if (f !== this.fingerprint) await this.reload();
          await this.checkFolders();
        })
        .catch(() => undefined)
        .finally(() => {
          if (this.started) this.armReloadCheck();
        });
    });
  }

  /** The sources table, and the admin's allowed folders (a folder no longer allowed stops being watched). */
  private async sourcesFingerprint(): Promise<string> {
    const rows = await this.db.selectFrom('sources').select(['id', 'schedule', 'config_json', 'enabled']).orderBy('id').execute();
    return JSON.stringify([rows, await allowedFolders(this.vault)]);
  }

  private async watcher(s: Source): Promise<FolderWatcher> {
    return new FolderWatcher({
      sourceId: s.id,
      config: s.config as FolderConfig,
      queue: this.queue,
      control: this.db,
      clock: this.clock,
      vaultDir: this.vault.dir,
      allowedFolders: await allowedFolders(this.vault),
      onUnavailable: () => {
        void this.checkFolders();
      },
    });
  }

  /**
   * Looks whether each enabled folder source's folder is still there and readable (a stat and an
   * opendir each). A change either way re-judges the alerts at once (raised and notified, or
   * cleared), and the source's watcher starts afresh: one that watched a folder since removed
   * sees nothing when it comes back. Runs on the reload timer, when a watcher sees its folder
   * go, and before the status is read (the banner, `status`). Serialised.
   */
  checkFolders(): Promise<void> {
    this.folderCheck = this.folderCheck.then(() => this.lookAtFolders()).catch((e: unknown) => {
      this.reportNotifyError(e);
    });
    return this.folderCheck;
  }

  private async lookAtFolders(): Promise<void> {
    // Only a running service watches and notifies; `status` and `source run` judge with evaluateAlerts.
    if (!this.started) return;
    const sources = (await listSources(this.db, this.clock.now())).filter((s) => s.enabled && s.kind === 'folder');
    let changed = false;
    for (const s of sources) {
      const config = s.config as FolderConfig;
      const problem = folderProblem(config.path, { writable: config.afterImport !== 'keep' });
      if (this.folderProblems.has(s.id) ? this.folderProblems.get(s.id) === problem : problem === undefined) continue;
      this.folderProblems.set(s.id, problem);
      changed = true;
      const w = this.watchers.get(s.id);
      if (w !== undefined) {
        await w.stop();
        this.watchers.delete(s.id);
      }
    }
    if (!changed) return;
    await this.reload();
    await this.checkAlerts();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.queue.off('finished', this.onFinished);
    this.alertTimer?.cancel();
    this.reloadTimer?.cancel();
    this.scheduler.stop();
    for (const w of [...this.watchers.values(), ...this.oneShots]) await w.stop();
    this.watchers.clear();
    this.oneShots.clear();
    await this.checking;
  }

  /** Brings watchers and schedules in line with the sources table. */
  async reload(): Promise<void> {
    this.fingerprint = await this.sourcesFingerprint();
    const sources = (await listSources(this.db, this.clock.now())).filter((s) => s.enabled);
    const allowed = JSON.stringify(await allowedFolders(this.vault));
    for (const [id, w] of this.watchers) {
      // Gone, no longer continuous, pointed elsewhere, or the allowed folders changed: that watcher stops (a new one may start).
      if (!sources.some((s) => s.id === id && s.schedule === 'continuous' && JSON.stringify([s.config, allowed]) === this.watchedConfig.get(id))) {
        await w.stop();
        this.watchers.delete(id);
      }
    }
    this.scheduler.stop();
    for (const s of sources) {
      if (s.kind === 'folder' && s.schedule === 'continuous') {
        if (this.watchers.has(s.id)) continue;
        this.watchedConfig.set(s.id, JSON.stringify([s.config, allowed]));
        const w = await this.watcher(s);
        try {
          await w.start();
          this.watchers.set(s.id, w);
        } catch (e) {
          await w.stop();
          // A missing folder's own alert says what to fix (alerts.ts); other failures are noted here.
          if (!(e instanceof FolderUnavailableError)) await noteError(this.db, s.id, `cannot watch ${(s.config as FolderConfig).path}: ${(e as Error).message}`, this.clock.now());
        }
      } else if (s.schedule !== 'push' && s.schedule !== 'continuous') {
        this.scheduler.schedule(s.id, s.schedule);
      }
    }
  }

  /** When a scheduled source runs next, as the running scheduler sees it. */
  nextRunOf(sourceId: number): number | null {
    return this.scheduler.nextRunOf(sourceId);
  }

  /** One pass of a source now; returns the jobs it queued (they run in the job queue). */
  async runNow(ref: string | number): Promise<Job[]> {
    const source = await findSource(this.db, ref, this.clock.now());
    if (source.kind === 'upload') throw new SourceUnavailableError(`"${source.name}" is an upload source: it runs when its device sends a backup`);
    if (source.kind === 'folder') {
      // The allowed folders (or the source) may have changed since the last reload: a watcher started under the old ones must not run.
      if (this.started && (await this.sourcesFingerprint()) !== this.fingerprint) await this.reload();
      const watching = this.watchers.get(source.id);
      if (watching !== undefined) return this.scanOrExplain(source, watching);
      const w = await this.watcher(source);
      // This watcher is kept until the queue is idle so its after-import step (move, reject) runs.
      let jobs: Job[];
      try {
        jobs = await this.scanOrExplain(source, w);
      } catch (e) {
        await w.stop();
        throw e;
      }
      if (jobs.length === 0) {
        await w.stop();
        return jobs;
      }
      this.oneShots.add(w);
      void this.queue.idle().then(async () => {
        if (!this.oneShots.delete(w)) return;
        await w.stop();
      });
      return jobs;
    }
    return [await this.queue.enqueue({ kind: 'import', file: (source.config as PublicImapConfig).url, sourceId: source.id, originalName: `mailbox ${source.name}` })];
  }

  /**
   * A scan; a folder that is missing or unreadable is an error the caller sees ("Run now" would
   * otherwise say "nothing new"), and raises the source's alert at once.
   */
  private async scanOrExplain(source: Source, w: FolderWatcher): Promise<Job[]> {
    try {
      return await w.scan();
    } catch (e) {
      if (!(e instanceof FolderUnavailableError)) throw e;
      await noteError(this.db, source.id, e.message, this.clock.now());
      // A running service raises and notifies now; a one-off run (the CLI) only raises, and the server notifies.
      if (this.started) await this.checkAlerts();
      else await evaluateAlerts(this.db, this.clock.now());
      throw new SourceUnavailableError(`the watched folder of "${source.name}" is unusable: ${e.message}`);
    }
  }

  private async scheduledRun(sourceId: number): Promise<void> {
    try {
      await this.runNow(sourceId);
    } catch (e) {
      await noteError(this.db, sourceId, (e as Error).message, this.clock.now());
    }
  }

  private armAlertCheck(): void {
    this.alertTimer = this.clock.setTimer(this.options.alertCheckMs ?? 600_000, () => {
      if (!this.started) return;
      void this.checkAlerts().finally(() => {
        if (this.started) this.armAlertCheck();
      });
    });
  }

  /** Evaluates every source's health now: raises, clears and notifies. Serialised. */
  checkAlerts(): Promise<void> {
    this.checking = this.checking.then(() => this.evaluateAndNotify()).catch((e: unknown) => {
      this.reportNotifyError(e);
    });
    return this.checking;
  }

  private async evaluateAndNotify(): Promise<void> {
    const { cleared } = await evaluateAlerts(this.db, this.clock.now());
    const notifiers = this.options.notifiers ?? [];
    // Raised alerts not yet notified (including ones a failed delivery left) go out once.
    for (const alert of await unnotifiedAlerts(this.db)) {
      if (await this.notify({ type: 'raised', alert, vault: this.vault.dir }, notifiers)) await markNotified(this.db, alert.id, this.clock.now());
    }
    // "Resumed" is sent once, best effort, only for alerts whose raise was notified.
    for (const alert of cleared) if (alert.notifiedAt !== null) await this.notify({ type: 'cleared', alert, vault: this.vault.dir }, notifiers);
  }

  /** True when every notifier took it (or there are none). */
  private async notify(event: AlertEvent, notifiers: Notifier[]): Promise<boolean> {
    let ok = true;
    for (const n of notifiers) {
      try {
        await n.send(event);
      } catch (e) {
        ok = false;
        this.reportNotifyError(e);
      }
    }
    return ok;
  }

  private reportNotifyError(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    if (this.options.onNotifyError !== undefined) this.options.onNotifyError(err);
    else process.stderr.write(`textvault: alert notification failed: ${err.message}\n`);
  }

  /** Open alerts, for the app's banner; a folder that just went away counts already. */
  async alerts(): Promise<Alert[]> {
    await this.checkFolders();
    return activeAlerts(this.db);
  }

  async status(): Promise<VaultStatus> {
    await this.checkFolders();
    const sources = await listSources(this.db, this.clock.now());
    return {
      sources,
      alerts: await activeAlerts(this.db),
      deletedOnPhone: await countPhoneDeletions(this.vault),
      rejectedFiles: await listRejectedFiles(this.db, { limit: 20 }),
    };
  }
}
