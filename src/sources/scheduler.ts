/**
 * Runs scheduled sources at the times their cron schedule gives (croner computes them). A run
 * still going when the next one is due is not started twice: the next run is computed after it.
 */
import { nextRun } from '../vault/sources/schedule.js';
import type { Clock, Timer } from './clock.js';

interface Entry {
  schedule: string;
  timer: Timer | undefined;
  next: number | null;
}

export class Scheduler {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly run: (sourceId: number) => Promise<void>,
  ) {}

  /** (Re)schedules a source; continuous and push schedules are not timed. */
  schedule(sourceId: number, schedule: string): void {
    this.unschedule(sourceId);
    const entry: Entry = { schedule, timer: undefined, next: null };
    this.entries.set(sourceId, entry);
    this.arm(sourceId, entry);
  }

  unschedule(sourceId: number): void {
    this.entries.get(sourceId)?.timer?.cancel();
    this.entries.delete(sourceId);
  }

  /** When the source runs next (ms), or null. */
  nextRunOf(sourceId: number): number | null {
    return this.entries.get(sourceId)?.next ?? null;
  }

  stop(): void {
    for (const id of [...this.entries.keys()]) this.unschedule(id);
  }

  private arm(sourceId: number, entry: Entry): void {
    const now = this.clock.now();
    const next = nextRun(entry.schedule, now);
    entry.next = next;
    if (next === null) return;
    entry.timer = this.clock.setTimer(Math.max(0, next - now), () => {
      if (this.entries.get(sourceId) !== entry) return;
      entry.timer = undefined;
      void this.run(sourceId)
        .catch(() => undefined)
        .finally(() => {
          if (this.entries.get(sourceId) === entry) this.arm(sourceId, entry);
        });
    });
  }
}
