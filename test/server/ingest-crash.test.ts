/**
 * A real kill of the server process while it imports an uploaded backup: nothing is lost and
 * nothing doubled. The restarted server re-runs the interrupted job, and the vault ends up
 * exactly like one that imported the file without interruption.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
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

describe('killing the server during an upload import', () => {
  it('loses nothing and leaves no duplicates once the server is back', async () => {
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
      const done = await waitFor(
        'the re-run job',
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
