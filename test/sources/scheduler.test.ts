/**
 * Schedules with an injected clock: presets and cron expressions fire at the times croner gives,
 * a slow run is never started twice, and a scheduled folder source scans its folder on time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/sources/scheduler.js';
import { SourceService } from '../../src/sources/source-service.js';
import { JobQueue } from '../../src/vault/jobs/index.js';
import { addSource, findSource } from '../../src/vault/sources/registry.js';
import { nextRun, parseSchedule } from '../../src/vault/sources/schedule.js';
import { ManualClock } from '../helpers/clock.js';
import { sbrXml } from '../helpers/sbr-files.js';
import { tempDir } from '../helpers/temp.js';
import { useVaults } from '../helpers/vault.js';
import { waitFor } from '../helpers/wait.js';

const newVault = useVaults();
const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('schedules', () => {
  it('turn presets and cron expressions into run times', () => {
    const from = at('2026-03-04T10:20:00Z');
    expect(new Date(nextRun('hourly', from) ?? 0).toISOString()).toBe('2026-03-04T11:00:00.000Z');
    expect(new Date(nextRun('daily', from) ?? 0).toISOString()).toBe('2026-03-05T03:00:00.000Z');
    // 2026-03-04 is a Wednesday: weekly runs on Sunday.
    expect(new Date(nextRun('weekly', from) ?? 0).toISOString()).toBe('2026-03-08T03:00:00.000Z');
    expect(new Date(nextRun('*/15 * * * *', from) ?? 0).toISOString()).toBe('2026-03-04T10:30:00.000Z');
    expect(nextRun('continuous', from)).toBeNull();
    expect(nextRun('push', from)).toBeNull();
    expect(() => parseSchedule('imap', 'continuous')).toThrow(/only a watched folder/);
    expect(() => parseSchedule('folder', 'every tuesday')).toThrow(/not a schedule/);
    expect(parseSchedule('folder', '30 2 * * *')).toBe('30 2 * * *');
  });

  it('fire on the injected clock, once per slot, and never overlap a slow run', async () => {
    const clock = new ManualClock(at('2026-03-04T10:20:00Z'));
    const runs: string[] = [];
    let release: (() => void) | undefined;
    const scheduler = new Scheduler(clock, (id) => {
      runs.push(`${id}@${new Date(clock.now()).toISOString().slice(11, 16)}`);
      // Source 2's first run is slow: it holds until released.
      if (id === 2 && release === undefined) return new Promise<void>((r) => (release = r));
      return Promise.resolve();
    });
    scheduler.schedule(1, 'hourly');
    scheduler.schedule(2, '*/30 * * * *');
    expect(scheduler.nextRunOf(1)).toBe(at('2026-03-04T11:00:00Z'));
    await clock.advance(HOUR + 45 * 60_000);
    // Source 2 fired at 10:30 and is still running at 11:00, 11:30 and 12:00: no second run started.
    expect(runs).toEqual(['2@10:30', '1@11:00', '1@12:00']);
    release?.();
    await clock.advance(1);
    await clock.advance(HOUR);
    expect(runs).toEqual(['2@10:30', '1@11:00', '1@12:00', '2@12:30', '1@13:00', '2@13:00']);
    scheduler.unschedule(1);
    await clock.advance(HOUR);
    expect(runs.filter((r) => r.startsWith('1@'))).toHaveLength(3);
    scheduler.stop();
    expect(clock.pending()).toBe(0);
  });
});

describe('a scheduled folder source', () => {
  const services: { s: SourceService; q: JobQueue }[] = [];
  afterEach(async () => {
    for (const x of services.splice(0)) {
      await x.s.stop();
      await x.q.close();
    }
  });

  it('scans its folder when its schedule comes round, not before', async () => {
    const vault = await newVault();
    const folder = tempDir();
    const queue = await JobQueue.open(vault);
    const clock = new ManualClock(Date.now());
    const source = await addSource(queue.control.db, { name: 'nightly', kind: 'folder', schedule: 'hourly', config: { path: folder, settleMs: 1000 } }, clock.now());
    fs.writeFileSync(path.join(folder, 'sms.xml'), sbrXml(['m1', 'm2']));
    const service = new SourceService(vault, queue, { clock, alertCheckMs: 24 * HOUR });
    services.push({ s: service, q: queue });
    await service.start();
    const next = service.nextRunOf(source.id);
    expect(next).not.toBeNull();
    expect((await findSource(queue.control.db, source.id, clock.now())).health.nextRunAt).toBe(new Date(next ?? 0).toISOString());
    expect((await queue.list()).items).toHaveLength(0);
    await clock.advance((next ?? 0) - clock.now() - 1);
    expect((await queue.list()).items).toHaveLength(0);
    await clock.advance(1);
    const jobs = await waitFor('the scheduled scan to queue the file', async () => {
      const items = (await queue.list()).items;
      return items.length > 0 ? items : undefined;
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'import', file: 'sms.xml', sourceId: source.id });
  });
});
