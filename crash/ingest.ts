/**
 * The upload scenario: a device PUTs a backup to `textvault serve` (/api/ingest/FILE with its
 * token) and the server is killed with SIGKILL during the upload or the import it starts. Then,
 * as a person and a device would: `textvault verify`, start the server again, retry every job
 * the crash failed (a crashed import is not re-run by itself, see test/server/ingest-crash.test.ts),
 * upload again if the device never got its 202, wait for the imports, stop the server.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { dumpDigest, garbage } from './checks.js';
import { runCli, startCli, tail } from './process.js';
import type { Plan } from './scenarios.js';

interface Server {
  child: ChildProcess;
  url: string;
  closed: Promise<void>;
}

function startServer(vault: string): Promise<Server> {
  const child = startCli(['--vault', vault, 'serve', '--port', '0', '--log-level', 'fatal']);
  const closed = new Promise<void>((r) => child.once('close', () => { r(); }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve({ child, url: m[1], closed });
    });
    child.stderr?.resume();
    child.once('exit', (code) => {
      reject(new Error(`the server exited (${String(code)}) before listening: ${out}`));
    });
  });
}

async function stop(server: Server, signal: NodeJS.Signals): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  await server.closed;
}

/** PUTs the file as a stream; resolves with the job id of a 202, or undefined if the server went away. */
function upload(url: string, token: string, file: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/api/ingest/${path.basename(file)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', 'content-length': fs.statSync(file).size },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve(res.statusCode === 202 ? (JSON.parse(body) as { jobId: number }).jobId : undefined);
      });
      res.on('error', () => { resolve(undefined); });
    });
    req.on('error', () => { resolve(undefined); });
    fs.createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(req);
  });
}

interface JobView {
  id: number;
  status: string;
  error: string | null;
}

async function jobs(vault: string): Promise<JobView[]> {
  const r = await runCli(['--vault', vault, 'jobs', 'list', '--json', '--limit', '100']);
  if (r.code !== 0) throw new Error(`jobs list failed: ${tail(r)}`);
  return JSON.parse(r.stdout) as JobView[];
}

/** Waits until no job is queued or running; the jobs then. */
async function settled(vault: string, timeoutMs = 120_000): Promise<JobView[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const all = await jobs(vault);
    if (all.every((j) => j.status !== 'queued' && j.status !== 'running')) return all;
    if (Date.now() > until) throw new Error(`jobs still running after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function prepareIngest(work: string, file: string): Promise<Plan> {
  const template = path.join(work, 'template');
  const created = await runCli(['--vault', template, 'token', 'create', '--name', 'Crash phone', '--json']);
  if (created.code !== 0) throw new Error(`token create failed: ${tail(created)}`);
  const { token } = JSON.parse(created.stdout) as { token: string };

  const setup = (runDir: string): string => {
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    const vault = path.join(runDir, 'vault');
    fs.cpSync(template, vault, { recursive: true });
    return vault;
  };

  // The reference: one upload, imported without interruption; its duration from the PUT to the import's end.
  const cleanVault = setup(path.join(work, 'clean'));
  const server = await startServer(cleanVault);
  const t = performance.now();
  const jobId = await upload(server.url, token, file);
  const done = await settled(cleanVault);
  const cleanMs = performance.now() - t;
  await stop(server, 'SIGTERM');
  if (jobId === undefined || done.find((j) => j.id === jobId)?.status !== 'done') throw new Error('the uninterrupted upload did not import');
  const reference = await dumpDigest(cleanVault);

  return {
    cleanMs,
    async run(runDir, delayMs) {
      const vault = setup(runDir);
      const problems: string[] = [];
      const first = await startServer(vault);
      const uploaded = upload(first.url, token, file);
      await new Promise((r) => setTimeout(r, delayMs));
      const killed = first.child.exitCode === null;
      await stop(first, 'SIGKILL');
      const jobId = await uploaded;

      const v = await runCli(['--vault', vault, 'verify']);
      if (v.code !== 0) problems.push(`verify after the kill failed: ${tail(v)}`);

      const second = await startServer(vault);
      try {
        for (const j of await settled(vault)) {
          if (j.status !== 'failed') continue;
          const r = await runCli(['--vault', vault, 'jobs', 'retry', String(j.id)]);
          if (r.code !== 0) problems.push(`jobs retry ${j.id} failed: ${tail(r)}`);
        }
        // The device never heard of its upload: it sends it again.
        if (jobId === undefined && (await upload(second.url, token, file)) === undefined) problems.push('the second upload was refused');
        for (const j of await settled(vault)) {
          if (j.status !== 'done') problems.push(`job ${j.id} ended ${j.status}: ${j.error ?? ''}`);
        }
      } finally {
        await stop(second, 'SIGTERM');
      }
      const d = await dumpDigest(vault);
      if (d.digest !== reference.digest) {
        problems.push(`the vault differs from the reference: ${d.messages} messages, ${d.calls} calls (reference ${reference.messages}, ${reference.calls})`);
      }
      problems.push(...garbage(vault));
      const v2 = await runCli(['--vault', vault, 'verify']);
      if (v2.code !== 0) problems.push(`verify after the re-run failed: ${tail(v2)}`);
      return { killed, problems };
    },
  };
}
