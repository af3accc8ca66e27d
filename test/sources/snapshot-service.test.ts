/**
 * Scheduled snapshots while the server runs, and their alerts through the notifiers: a failed
 * snapshot is notified once (however many runs fail), its end once, an overdue one once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, Notifier } from '../../src/sources/notify/notifier.js';
import { SnapshotService } from '../../src/sources/snapshot-service.js';
import { openSnapshotFolder } from '../../src/vault/snapshot/folder.js';
import { snapshotHealth } from '../../src/vault/snapshot/status.js';
import { ManualClock } from '../helpers/clock.js';
import { useVaults } from '../helpers/vault.js';

const vaults = useVaults();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

class Collecting implements Notifier {
  readonly name = 'test';
  readonly events: AlertEvent[] = [];
  send(event: AlertEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
}

async function advance(clock: ManualClock, service: SnapshotService, ms: number): Promise<void> {
  // Hour by hour, letting each snapshot finish before time moves on.
  for (let t = 0; t < ms; t += HOUR) {
    await clock.advance(HOUR);
    await service.idle();
  }
}

describe('scheduled snapshots', () => {
  it('run on their schedule; a failure is notified once and its end once', async () => {
    const vault = await vaults();
    const base = path.dirname(vault.dir);
    const snaps = path.join(base, 'snaps');
    await vault.config.set('snapshot.schedule', 'daily');
    await vault.config.set('snapshot.to', snaps);
    await vault.config.set('snapshot.keep', '2');
    const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
    const notifier = new Collecting();
    const errors: string[] = [];
    const service = new SnapshotService(vault, { clock, notifiers: [notifier], checkMs: HOUR, onError: (e) => errors.push(e.message) });
    await service.start();
    try {
      await advance(clock, service, DAY + HOUR);
      expect(await (await openSnapshotFolder(snaps)).snapshotIds()).toHaveLength(1);
      expect(snapshotHealth(vault.dir, clock.now()).state).toBe('ok');

      // The folder becomes unusable (a file where its parent folder should be).
      const blocked = path.join(base, 'blocked');
      fs.writeFileSync(blocked, 'not a folder');
      await vault.config.set('snapshot.to', path.join(blocked, 'snaps'));
      await advance(clock, service, 2 * DAY);
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect(notifier.events.map((e) => e.type)).toEqual(['raised']);
      expect(notifier.events[0]?.alert.message).toContain(`The last snapshot of the vault (to ${path.join(blocked, 'snaps')}`);
      expect(notifier.events[0]?.alert.sourceName).toBe('snapshots of the vault');

      await vault.config.set('snapshot.to', snaps);
      await advance(clock, service, DAY);
      expect(notifier.events.map((e) => e.type)).toEqual(['raised', 'cleared']);
      expect(await (await openSnapshotFolder(snaps)).snapshotIds()).toHaveLength(2);
    } finally {
      await service.stop();
    }
  });

  it('alerts once when no snapshot was taken for longer than snapshot.max-age', async () => {
    const vault = await vaults();
    const snaps = path.join(path.dirname(vault.dir), 'snaps');
    await vault.config.set('snapshot.schedule', 'daily');
    await vault.config.set('snapshot.to', snaps);
    await vault.config.set('snapshot.max-age', '2d');
    const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
    const notifier = new Collecting();
    const service = new SnapshotService(vault, { clock, notifiers: [notifier], checkMs: HOUR });
    await service.start();
    try {
      await advance(clock, service, DAY + HOUR);
      // The schedule changes (from another process) to one that will not run for months.
      await vault.config.set('snapshot.schedule', '0 3 1 6 *');
      await advance(clock, service, 4 * DAY);
      expect(notifier.events.map((e) => e.type)).toEqual(['raised']);
      expect(notifier.events[0]?.alert.message).toMatch(/^No snapshot of the vault for 2 days/);
    } finally {
      await service.stop();
    }
  });
});
