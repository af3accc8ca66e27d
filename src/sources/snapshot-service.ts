/**
 * Scheduled snapshots of the vault while `textvault serve` runs (settings `snapshot.*`, set by
 * `textvault snapshot schedule`), and their alerts: like a source that went quiet, an overdue
 * snapshot ("no snapshot for 3 days") or a failed one is notified once through the same
 * notifiers (e-mail, webhook), and its end ("resumed") once more.
 *
 * Settings are read again every `reloadMs`, so a schedule set from the command line while the
 * server runs applies without a restart.
 */
import type { SnapshotHealth } from '../vault/snapshot/status.js';
import type { Vault } from '../vault/vault.js';
import type { Alert } from '../vault/sources/alerts.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import type { AlertEvent, Notifier } from './notify/notifier.js';
import { Scheduler } from './scheduler.js';

export interface SnapshotServiceOptions {
  clock?: Clock;
  notifiers?: Notifier[];
  /** How often health is judged and settings re-read (default 10 minutes). */
  checkMs?: number;
  onError?: (e: Error) => void;
}

/** The alerts' name for the vault's snapshots (where a source's name goes). */
export const SNAPSHOT_ALERT_NAME = 'snapshots of the vault';
const ENTRY = 0;

export class SnapshotService {
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private schedule: string | null = null;
  private timer: Timer | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(
    readonly vault: Vault,
    private readonly options: SnapshotServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = new Scheduler(this.clock, () => this.runNow().then(() => undefined));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.check();
    this.arm();
  }

  stop(): Promise<unknown> {
    this.started = false;
    this.timer?.cancel();
    this.scheduler.stop();
    return this.running;
  }

  /** Resolves when the snapshot under way (if any) has ended and been judged. */
  idle(): Promise<unknown> {
    return this.running;
  }

  /** When the next scheduled snapshot is due (ms), or null. */
  nextRun(): number | null {
    return this.scheduler.nextRunOf(ENTRY);
  }

  /** Takes a snapshot now with the settings (one at a time); then judges health at once. */
  runNow(): Promise<unknown> {
    const run = this.running.then(async () => {
      const { runScheduledSnapshot } = await import('../vault/snapshot/scheduled.js');
      try {
        await runScheduledSnapshot(this.vault, new Date(this.clock.now()));
      } catch (e) {
        // Recorded in the vault's snapshot status; the health check below alerts about it.
        this.report(e);
      }
      await this.judge();
    });
    this.running = run.catch(() => undefined);
    return this.running;
  }

  private arm(): void {
    this.timer = this.clock.setTimer(this.options.checkMs ?? 600_000, () => {
      if (!this.started) return;
      void this.check().finally(() => {
        if (this.started) this.arm();
      });
    });
  }

  /** Re-reads the schedule and judges health. */
  async check(): Promise<void> {
    try {
      const { snapshotSettings } = await import('../vault/snapshot/scheduled.js');
      const settings = await snapshotSettings(this.vault);
      if (settings.schedule !== this.schedule) {
        this.schedule = settings.schedule;
        if (settings.schedule === null) this.scheduler.unschedule(ENTRY);
        else this.scheduler.schedule(ENTRY, settings.schedule);
      }
      await this.judge();
    } catch (e) {
      this.report(e);
    }
  }

  /** Notifies a new problem once, and its end once (only when snapshots are scheduled). */
  private async judge(): Promise<void> {
    const [{ snapshotWatch }, { alertKey, readSnapshotStatus, recordNotified }] = await Promise.all([
      import('../vault/snapshot/scheduled.js'),
      import('../vault/snapshot/status.js'),
    ]);
    const watch = await snapshotWatch(this.vault, this.clock.now());
    if (!watch.scheduled) return;
    const key = alertKey(watch);
    const notified = readSnapshotStatus(this.vault.dir).notified ?? null;
    if (key === notified) return;
    if (key !== null) {
      if (await this.notify(this.event('raised', watch))) recordNotified(this.vault.dir, key);
    } else if (notified !== null) {
      await this.notify(this.event('cleared', watch));
      recordNotified(this.vault.dir, null);
    }
  }

  private event(type: AlertEvent['type'], health: SnapshotHealth): AlertEvent {
    const at = new Date(this.clock.now()).toISOString();
    const alert: Alert = {
      id: 0,
      sourceId: 0,
      sourceName: SNAPSHOT_ALERT_NAME,
      kind: 'stale',
      message: health.message ?? `Snapshots of the vault are up to date again: the last one was taken ${health.last?.at ?? at}.`,
      raisedAt: at,
      clearedAt: type === 'cleared' ? at : null,
      notifiedAt: null,
    };
    return { type, alert, vault: this.vault.dir };
  }

  private async notify(event: AlertEvent): Promise<boolean> {
    let ok = true;
    for (const n of this.options.notifiers ?? []) {
      try {
        await n.send(event);
      } catch (e) {
        ok = false;
        this.report(e);
      }
    }
    return ok;
  }

  private report(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    if (this.options.onError !== undefined) this.options.onError(err);
    else process.stderr.write(`textvault: snapshot: ${err.message}\n`);
  }
}
