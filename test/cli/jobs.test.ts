/**
 * `textvault jobs cancel` and `jobs retry` as real processes, against a queue another real
 * process (`textvault jobs run`) is running: the cancel reaches it through the control database,
 * the import is rolled back, and the vault keeps exactly what it had.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { JobQueue, type Job } from '../../src/vault/jobs/index.js';
import { Vault } from '../../src/vault/vault.js';
import { CLI, cli, cliAsync, NODE_FLAGS } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { abOf, phoneTar } from '../formats/androidbackup/build.js';

async function queueImports(vaultDir: string, files: string[]): Promise<number[]> {
  const vault = await Vault.open(vaultDir, { create: true });
  const queue = await JobQueue.open(vault);
  try {
    const ids: number[] = [];
    for (const file of files) ids.push((await queue.enqueue({ kind: 'import', file })).id);
    return ids;
  } finally {
    await queue.close();
    await vault.close();
  }
}

function jobs(vault: string): Job[] {
  const r = cli(['--vault', vault, 'jobs', 'list', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Job[];
}

function smsCount(vault: string): number {
  return (JSON.parse(cli(['--vault', vault, 'stats', '--json']).stdout) as { sms: number }).sms;
}

describe('textvault jobs cancel / retry / passphrase', () => {
  it("gives an encrypted backup's import its password: wrong, then right", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'phone.ab');
    fs.writeFileSync(file, abOf(phoneTar(), { password: 'right one', rounds: 1000 }));
    const vault = path.join(dir, 'vault');
    const [id] = await queueImports(vault, [file]);
    expect(cli(['--vault', vault, 'jobs', 'run']).code).toBe(1);
    expect(jobs(vault).find((j) => j.id === id)).toMatchObject({ status: 'failed' });
    const wrong = path.join(dir, 'wrong.txt');
    const right = path.join(dir, 'right.txt');
    fs.writeFileSync(wrong, 'not it\n');
    fs.writeFileSync(right, 'right one\n');
    const given = cli(['--vault', vault, 'jobs', 'passphrase', String(id), '--passphrase-file', wrong, '--json']);
    expect(given.stderr).toBe('');
    expect(JSON.parse(given.stdout)).toMatchObject({ id, status: 'queued' });
    expect(cli(['--vault', vault, 'jobs', 'run']).code).toBe(1);
    expect(jobs(vault).find((j) => j.id === id)?.error).toMatch(/password|passphrase/i);
    expect(cli(['--vault', vault, 'jobs', 'passphrase', String(id), '--passphrase-file', right]).code).toBe(0);
    expect(cli(['--vault', vault, 'jobs', 'run']).code).toBe(0);
    expect(jobs(vault).find((j) => j.id === id)?.status).toBe('done');
    expect(smsCount(vault)).toBeGreaterThan(0);
    // Only an import that stopped for want of a password takes one.
    const again = cli(['--vault', vault, 'jobs', 'passphrase', String(id), '--passphrase-file', right]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`job ${id} did not fail for want of a password`));
  }, 60_000);

  it('cancels a queued job, refuses to cancel it twice, and retry queues it again', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'small.xml');
    await writeSmsBackup(file, { seed: 51, sms: 200, mms: 2, mediaBytes: 1_000 });
    const vault = path.join(dir, 'vault');
    const [id] = await queueImports(vault, [file]);

    const cancel = cli(['--vault', vault, 'jobs', 'cancel', String(id)]);
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`^#${id} .* cancelled .*\\n    cancelled before it started`));
    const twice = cli(['--vault', vault, 'jobs', 'cancel', String(id)]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already ended \(cancelled\); there is nothing to cancel/);
    expect(cli(['--vault', vault, 'jobs', 'cancel', '999']).stderr).toMatch(/there is no job 999/);
    expect(cli(['--vault', vault, 'jobs', 'cancel', 'x']).stderr).toMatch(/"x" is not a job number/);

    // `jobs run` leaves it alone; `jobs retry` queues it and the next run imports it.
    expect(cli(['--vault', vault, 'jobs', 'run']).code).toBe(0);
    expect(smsCount(vault)).toBe(0);
    const retry = cli(['--vault', vault, 'jobs', 'retry', String(id), '--json']);
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ id, status: 'queued', error: null });
    expect(cli(['--vault', vault, 'jobs', 'run']).code).toBe(0);
    expect(jobs(vault).find((j) => j.id === id)?.status).toBe('done');
    expect(smsCount(vault)).toBe(200);
  }, 60_000);

  it('stops an import that another process (jobs run) is running: rolled back, and that process goes on', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.xml');
    const small = path.join(dir, 'small.xml');
    // Big enough that the cancel (a second CLI process, then the runner's 500 ms poll) arrives
    // before the import ends on an idle machine: 100,000 SMS took ~1 s there and the race was lost.
    await writeSmsBackup(big, { seed: 52, sms: 400_000, mms: 100, mediaBytes: 20_000 });
    await writeSmsBackup(small, { seed: 53, sms: 200, mms: 2, mediaBytes: 1_000 });
    const vault = path.join(dir, 'vault');
    const [bigId, smallId] = await queueImports(vault, [big, small]);

    const runner = cliAsync(['--vault', vault, 'jobs', 'run', '--json']);
    const until = Date.now() + 60_000;
    for (;;) {
      const j = jobs(vault).find((x) => x.id === bigId);
      if (j?.status === 'running' && j.progress.done > 0) break;
      if (j?.status !== 'queued' && j?.status !== 'running') throw new Error(`the import ended (${j?.status ?? 'gone'}) before it could be cancelled`);
      if (Date.now() > until) throw new Error('the import did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const cancel = await cliAsync(['--vault', vault, 'jobs', 'cancel', String(bigId), '--json']);
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout)).toMatchObject({ id: bigId, status: 'cancelled' });

    const ran = await runner;
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const ended = JSON.parse(ran.stdout) as Job[];
    expect(ended.map((j) => [j.id, j.status])).toEqual([
      [bigId, 'cancelled'],
      [smallId, 'done'],
    ]);
    expect(smsCount(vault)).toBe(200);
    expect(cli(['--vault', vault, 'verify']).code).toBe(0);
  }, 180_000);

  it('Ctrl-C on jobs run stops the running import at once; the job stays queued', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.xml');
    // Big enough (~100 MB) that the import still runs when the poll below, a CLI run per look, has seen it start.
    await writeSmsBackup(big, { seed: 54, sms: 300_000, mms: 100, mediaBytes: 20_000 });
    const vault = path.join(dir, 'vault');
    const [id] = await queueImports(vault, [big]);
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault, 'jobs', 'run'], { stdio: 'ignore' });
    const closed = new Promise<number | null>((r) => child.once('close', r));
    try {
      const until = Date.now() + 60_000;
      for (;;) {
        const j = jobs(vault).find((x) => x.id === id);
        if (j?.status === 'running' && j.progress.done > 0) break;
        if (j?.status !== 'queued' && j?.status !== 'running') throw new Error(`the import ended (${j?.status ?? 'gone'}) before the SIGINT`);
        if (Date.now() > until) throw new Error('the import did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const sent = Date.now();
      child.kill('SIGINT');
      expect(await closed).toBe(0);
      expect(Date.now() - sent).toBeLessThan(5_000);
    } finally {
      child.kill('SIGKILL');
    }
    expect(jobs(vault).find((j) => j.id === id)).toMatchObject({ status: 'queued', error: null });
    expect(smsCount(vault)).toBe(0);
  }, 180_000);
});
