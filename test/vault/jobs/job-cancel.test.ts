/**
 * Stopping jobs: a cancel (queued or running, also from another queue over the same control
 * database), the time limit and a shutdown. A stopped import is rolled back: the vault is exactly
 * as it was, and the queue goes on with the next job.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { JobQueue, JobStateError, type Job } from '../../../src/vault/jobs/index.js';
import { verifyVault } from '../../../src/vault/verify.js';
import type { Vault } from '../../../src/vault/vault.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, useVaults } from '../../helpers/vault.js';

const newVault = useVaults();
let big = '';
let small = '';

// Made once for the file (tempDir() folders go after each test): generating it takes seconds.
let shared = '';
beforeAll(async () => {
  shared = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-cancel-'));
  const dir = shared;
  big = path.join(dir, 'big.xml');
  small = path.join(dir, 'small.xml');
  // Large enough that its import lasts seconds (and is read in the worker thread).
  await writeSmsBackup(big, { seed: 31, sms: 100_000, mms: 100, mediaBytes: 20_000 });
  await writeSmsBackup(small, { seed: 32, sms: 300, mms: 3, mediaBytes: 2_000 });
}, 120_000);

afterAll(() => {
  fs.rmSync(shared, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the job is running and has read part (not all) of its file. */
function underWay(queue: JobQueue, id: number): Promise<Job> {
  return until('the import to be under way', async () => {
    const j = await queue.get(id);
    if (j?.status !== 'running' && j?.status !== 'queued') throw new Error(`job ${id} ended (${j?.status ?? 'gone'}) before it could be stopped`);
    return j.status === 'running' && j.progress.done > 0 ? j : undefined;
  });
}

/** The vault as it was before, with one small file imported: what every stopped big import must leave. */
async function withSmall(vault: Vault): Promise<void> {
  await importFile(vault, small);
}

describe('cancelling a job', () => {
  it('cancels a queued job at once: it never runs, and its spooled upload is deleted', async () => {
    const vault = await newVault();
    const spooled = path.join(tempDir(), 'upload.xml');
    fs.copyFileSync(small, spooled);
    const queue = await JobQueue.open(vault);
    try {
      const job = await queue.enqueue({ kind: 'import', file: spooled, deleteAfter: true, originalName: 'sms.xml' });
      const cancelled = await queue.cancel(job.id);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.error).toBe('cancelled before it started');
      expect(fs.existsSync(spooled)).toBe(false);
      await queue.start();
      await queue.idle();
      expect((await queue.get(job.id))?.status).toBe('cancelled');
      expect(await counts(vault)).toEqual({ sms: 0, mms: 0, calls: 0 });
      await expect(queue.cancel(job.id)).rejects.toThrow(JobStateError);
    } finally {
      await queue.close();
    }
  });

  it('stops a running import: rolled back, the vault exactly as before, and the next job runs', async () => {
    const vault = await newVault();
    await withSmall(vault);
    const before = await dumpVault(vault);
    const queue = await JobQueue.open(vault, { progressPersistMs: 0 });
    try {
      const job = await queue.enqueue({ kind: 'import', file: big });
      const next = await queue.enqueue({ kind: 'verify' });
      await queue.start();
      await underWay(queue, job.id);
      const asked = Date.now();
      await queue.cancel(job.id);
      const stopped = await until('the import to stop', async () => {
        const j = await queue.get(job.id);
        return j?.status === 'cancelled' ? j : undefined;
      });
      expect(Date.now() - asked).toBeLessThan(5_000);
      expect(stopped.error).toMatch(/cancelled while it ran; nothing from it was kept/);
      await queue.idle();
      expect((await queue.get(next.id))?.status).toBe('done');
      expect(await dumpVault(vault)).toEqual(before);
      expect((await verifyVault(vault)).problems).toEqual([]);
      // A cancelled job can be run again; this time it completes.
      await queue.retry(job.id);
      await queue.idle();
      expect((await queue.get(job.id))?.status).toBe('done');
      expect((await counts(vault)).sms).toBeGreaterThan(100_000);
    } finally {
      await queue.close();
    }
  }, 180_000);

  it('stops a job another queue runs: the cancel is a row that queue polls', async () => {
    const vault = await newVault();
    const runner = await JobQueue.open(vault, { progressPersistMs: 0, cancelPollMs: 100 });
    const other = await JobQueue.open(vault);
    try {
      const job = await runner.enqueue({ kind: 'import', file: big });
      await runner.start();
      await underWay(runner, job.id);
      const asked = await other.cancel(job.id);
      expect(asked.status).toBe('running');
      expect(asked.cancelRequested).toBe(true);
      const stopped = await until('the import to stop', async () => {
        const j = await other.get(job.id);
        return j?.status === 'cancelled' ? j : undefined;
      });
      expect(stopped.cancelRequested).toBe(false);
      expect(await counts(vault)).toEqual({ sms: 0, mms: 0, calls: 0 });
    } finally {
      await other.close();
      await runner.close();
    }
  }, 180_000);
});

describe('the job time limit', () => {
  it('stops and fails a job that runs longer than jobs.time-limit, with a message that says what to do', async () => {
    const vault = await newVault({ 'jobs.time-limit': '300ms' });
    await withSmall(vault);
    const before = await dumpVault(vault);
    const queue = await JobQueue.open(vault);
    try {
      const job = await queue.enqueue({ kind: 'import', file: big });
      const next = await queue.enqueue({ kind: 'import', file: small });
      await queue.start();
      await queue.idle();
      const failed = await queue.get(job.id);
      expect(failed?.status).toBe('failed');
      expect(failed?.error).toMatch(/stopped after 300ms, the longest a job may run \(setting jobs\.time-limit\).*textvault config set jobs\.time-limit/);
      expect(failed?.result).toEqual({ errorName: 'JobTimeLimitError' });
      // The next job was not held up; the small file was imported before, so it is skipped.
      expect((await queue.get(next.id))?.status).toBe('done');
      expect(await dumpVault(vault)).toEqual(before);
    } finally {
      await queue.close();
    }
  }, 180_000);

  it('refuses settings that are not a duration, and takes off for no limit', async () => {
    const vault = await newVault();
    await expect(vault.config.set('jobs.time-limit', 'soon')).rejects.toThrow(/not a duration/);
    await expect(vault.config.set('jobs.time-limit', '0')).rejects.toThrow(/would stop every job/);
    expect(await vault.config.set('jobs.time-limit', '90m')).toBe('90m');
    expect(await vault.config.set('jobs.time-limit', 'off')).toBe('off');
  });
});

describe('stopping the queue for a shutdown', () => {
  it('rolls the running import back at once and leaves the job queued for the next start', async () => {
    const vault = await newVault();
    const queue = await JobQueue.open(vault, { progressPersistMs: 0 });
    const job = await queue.enqueue({ kind: 'import', file: big });
    await queue.start();
    await underWay(queue, job.id);
    const asked = Date.now();
    await queue.close({ interrupt: true });
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(await counts(vault)).toEqual({ sms: 0, mms: 0, calls: 0 });

    const again = await JobQueue.open(vault);
    try {
      const waiting = await again.get(job.id);
      expect(waiting?.status).toBe('queued');
      expect(waiting?.error).toBeNull();
      await again.start();
      await again.idle();
      expect((await again.get(job.id))?.status).toBe('done');
      expect((await counts(vault)).sms).toBe(100_000);
    } finally {
      await again.close();
    }
  }, 180_000);
});
