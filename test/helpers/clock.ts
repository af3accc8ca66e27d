import type { Clock, Timer } from '../../src/sources/clock.js';

/** A clock that only moves when the test says so; due timers fire in time order. */
export class ManualClock implements Clock {
  private timers: { due: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const t = { due: this.current + ms, fn, seq: this.seq++ };
    this.timers.push(t);
    return {
      cancel: () => {
        this.timers = this.timers.filter((x) => x !== t);
      },
    };
  }

  /** Moves time forward, firing every timer that falls due (and letting their promises settle). */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    // Let work already under way (a run that just finished re-arming its timer) settle first.
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const t = this.timers[0];
      if (t === undefined || t.due > until) break;
      this.timers.shift();
      this.current = Math.max(this.current, t.due);
      t.fn();
      await settle();
    }
    this.current = until;
  }

  pending(): number {
    return this.timers.length;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
