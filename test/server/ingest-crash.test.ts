/**
 * A real kill of the server process while it imports an uploaded backup: nothing is lost and
 * nothing doubled. The restarted server does not run the crashed job again by itself (a file
 * that crashed it would crash it at every start); it keeps the upload, and once someone retries
 * the job the vault ends up exactly like one that imported the file without interruption.
 * And a SIGTERM during an import stops the server within seconds, the import rolled back and
 * its job queued for the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { dumpVault } from '../../src/vault/dump.js';
import { importFile } from '../../src/vault/import/import-backup.js';
import type { Job } from '../../src/vault/jobs/index.js';
import { Vault } from '../../src/vault/vault.js';
import { CLI, cli, NODE_FLAGS } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

function startServer(vault: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault, 'serve', '--port', '0', '--log-level', 'fatal'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => {
      reject(new Error(`the server exited (${String(code)}) before listening: ${out}`));
    });
  });
}

async function jobOf(url: string, token: string, id: number): Promise<Job | undefined> {
  const res = await fetch(`${url}/api/ingest/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return res.ok ? ((await res.json()) as Job) : undefined;
}

function stats(vault: string): { sms: number; mms: number } {
  const r = cli(['--vault', vault, 'stats', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { sms: number; mms: number };
}

describe('killing the server during an upload import', () => {
  it('loses nothing, does not re-run the job by itself, and a retry completes it without duplicates', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms-big.xml');
    await writeSmsBackup(file, { seed: 21, sms: 20_000, mms: 100, mediaBytes: 20_000 });
    const reference = await Vault.open(path.join(dir, 'reference'), { create: true });
    await importFile(reference, file);

    const vault = path.join(dir, 'vault');
    const created = cli(['--vault', vault, 'token', 'create', '--name', 'Pixel 8', '--json']);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };

    let server = await startServer(vault);
    let jobId: number;
    try {
      const res = await fetch(`${server.url}/api/ingest/sms-big.xml`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        body: fs.readFileSync(file),
      });
      expect(res.status).toBe(202);
      jobId = ((await res.json()) as { jobId: number }).jobId;
      await waitFor('the import to be under way', async () => {
        const j = await jobOf(server.url, token, jobId);
        return j?.status === 'running' && j.progress.done > 0 ? j : undefined;
      });
    } finally {
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('close', r));
    }
    // The upload is still spooled (its job never ended); the import never committed.
    expect(fs.readdirSync(path.join(vault, 'uploads')).length).toBe(1);
    expect((JSON.parse(cli(['--vault', vault, 'stats', '--json']).stdout) as { sms: number }).sms).toBe(0);

    server = await startServer(vault);
    try {
      const crashed = await waitFor('the crashed job to be failed', async () => {
        const j = await jobOf(server.url, token, jobId);
        return j?.status === 'failed' ? j : undefined;
      });
      expect(crashed.error).toMatch(/stopped in the middle of it \(importing "sms-big\.xml"\).*not run again by itself.*textvault jobs retry/);
      // Still nothing imported, and the upload is kept for the retry.
      await new Promise((r) => setTimeout(r, 1000));
      expect(stats(vault).sms).toBe(0);
      expect(fs.readdirSync(path.join(vault, 'uploads')).length).toBe(1);

      // Retried from the CLI while the server runs: the server's queue picks it up.
      const retry = cli(['--vault', vault, 'jobs', 'retry', String(jobId)]);
      expect(retry.stderr).toBe('');
      expect(retry.code).toBe(0);
      const done = await waitFor(
        'the retried job',
        async () => {
          const j = await jobOf(server.url, token, jobId);
          return j?.status === 'done' || j?.status === 'failed' ? j : undefined;
        },
        90_000,
      );
      expect(done.error).toBeNull();
      expect(done.status).toBe('done');
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('close', r));
    }
    await waitFor('the spooled upload to be deleted', () => (fs.readdirSync(path.join(vault, 'uploads')).length === 0 ? true : undefined));
    const v = await Vault.open(vault);
    try {
      expect(await dumpVault(v)).toEqual(await dumpVault(reference));
    } finally {
      await v.close();
      await reference.close();
    }
    expect(cli(['--vault', vault, 'verify']).code).toBe(0);
  }, 180_000);
});

describe('SIGTERM to the server during an upload import', () => {
  it('stops it within seconds: the import rolled back, the vault consistent, the job queued for the next start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms-big.xml');
    // Large enough that the import runs for seconds: a server that waited for it would take that long.
    await writeSmsBackup(file, { seed: 22, sms: 100_000, mms: 100, mediaBytes: 20_000 });
    const vault = path.join(dir, 'vault');
    const created = cli(['--vault', vault, 'token', 'create', '--name', 'Pixel 8', '--json']);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };

    const server = await startServer(vault);
    const closed = new Promise<number | null>((r) => server.child.once('close', r));
    let jobId: number;
    try {
      const res = await fetch(`${server.url}/api/ingest/sms-big.xml`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        body: fs.readFileSync(file),
      });
      expect(res.status).toBe(202);
      jobId = ((await res.json()) as { jobId: number }).jobId;
      await waitFor('the import to be under way', async () => {
        const j = await jobOf(server.url, token, jobId);
        if (j !== undefined && j.status !== 'running' && j.status !== 'queued') throw new Error(`the job ended (${j.status}) before the SIGTERM`);
        return j?.status === 'running' && j.progress.done > 0 ? j : undefined;
      });
    } catch (e) {
      server.child.kill('SIGKILL');
      throw e;
    }
    const sent = Date.now();
    server.child.kill('SIGTERM');
    const code = await closed;
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(code).toBe(0);

    expect(stats(vault)).toEqual(expect.objectContaining({ sms: 0, mms: 0 }));
    expect(cli(['--vault', vault, 'verify']).code).toBe(0);
    const jobs = JSON.parse(cli(['--vault', vault, 'jobs', 'list', '--json']).stdout) as Job[];
    expect(jobs.find((j) => j.id === jobId)).toMatchObject({ status: 'queued', error: null });
    // The upload is still spooled for that next start.
    expect(fs.readdirSync(path.join(vault, 'uploads')).length).toBe(1);
  }, 180_000);
});

describe('killing the server while an upload arrives', () => {
  it('leaves a spooled part no job owns, which the next start removes at once', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const created = cli(['--vault', vault, 'token', 'create', '--name', 'Pixel 8', '--json']);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const spool = path.join(vault, 'uploads');

    let server = await startServer(vault);
    const { hostname, port } = new URL(server.url);
    // Half of a declared megabyte: the server is spooling it when it dies.
    const req = http.request({ host: hostname, port, method: 'PUT', path: '/api/ingest/big.xml', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', 'content-length': String(1024 * 1024) } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(512 * 1024, 'a'));
    try {
      await waitFor('the upload to be spooling', () => {
        const files = fs.existsSync(spool) ? fs.readdirSync(spool) : [];
        return files.length === 1 && fs.statSync(path.join(spool, files[0] ?? '')).size > 0 ? true : undefined;
      });
    } finally {
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('close', r));
      req.destroy();
    }
    expect(fs.readdirSync(spool).length).toBe(1);

    server = await startServer(vault);
    try {
      // Seconds after the crash, not the hour an upload of an unknown writer is given.
      await waitFor('the orphaned part to be removed', () => (fs.readdirSync(spool).length === 0 ? true : undefined), 10_000);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('close', r));
    }
  }, 60_000);
});
