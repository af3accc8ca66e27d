/**
 * Cancelling and retrying jobs over the API, on a real server and socket: a long upload import
 * is stopped part-way, the vault keeps exactly what it had, and the next queued job runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { UPLOADS_DIR } from '../../../src/vault/jobs/index.js';
import { ownerClient, startServer, waitForJob, type Body, type Client } from '../harness.js';

interface ApiJob {
  id: number;
  status: string;
  error: string | null;
  progress: { done: number; total: number | null };
  cancelRequested: boolean;
  retryable: boolean;
}

interface Summary {
  sms: number;
  mms: number;
  backups: number;
}

let shared = '';
let big = '';
let small = '';

beforeAll(async () => {
  shared = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-api-cancel-'));
  big = path.join(shared, 'big.xml');
  small = path.join(shared, 'small.xml');
  await writeSmsBackup(big, { seed: 41, sms: 100_000, mms: 100, mediaBytes: 20_000 });
  await writeSmsBackup(small, { seed: 42, sms: 300, mms: 3, mediaBytes: 2_000 });
}, 120_000);

afterAll(() => {
  fs.rmSync(shared, { recursive: true, force: true });
});

async function upload(client: Client, file: string, name: string): Promise<number> {
  const res = await client.request('POST', `/api/uploads?name=${name}`, {
    body: fs.createReadStream(file) as unknown as Body,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { jobId: number }).jobId;
}

async function underWay(client: Client, id: number): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    const j = await client.json<ApiJob>(`/api/jobs/${id}`);
    if (j.status !== 'queued' && j.status !== 'running') throw new Error(`job ${id} ended (${j.status}) before it could be cancelled`);
    if (j.status === 'running' && j.progress.done > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${id} did not start`);
}

describe('POST /api/jobs/:id/cancel', () => {
  it('stops a running upload import: cancelled, vault unchanged, upload deleted, the next job runs', async () => {
    const server = await startServer({ files: [small] });
    const client = await ownerClient(server);
    const before = await client.json<Summary>('/api/stats/summary');
    expect(before.backups).toBe(1);

    const bigJob = await upload(client, big, 'big.xml');
    const nextJob = await upload(client, small, 'again.xml');
    await underWay(client, bigJob);

    // A state change like any other: refused without the CSRF header.
    expect((await client.request('POST', `/api/jobs/${bigJob}/cancel`, { csrf: false })).status).toBe(403);
    const res = await client.request('POST', `/api/jobs/${bigJob}/cancel`);
    expect(res.status).toBe(200);
    const cancelled = (await res.json()) as ApiJob;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.error).toMatch(/cancelled while it ran; nothing from it was kept/);
    // Its spooled upload went with it: it cannot be retried, it must be sent again.
    expect(cancelled.retryable).toBe(false);

    const next = await waitForJob(client, nextJob);
    expect(next.status).toBe('done');
    expect(await client.json<Summary>('/api/stats/summary')).toEqual(before);
    expect(fs.readdirSync(path.join(server.dir, UPLOADS_DIR))).toEqual([]);

    // An ended job: 409 with a message; an unknown one: 404; a retry of a deleted upload: 409.
    const again = await client.request('POST', `/api/jobs/${bigJob}/cancel`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/already ended \(cancelled\)/);
    expect((await client.request('POST', '/api/jobs/9999/cancel')).status).toBe(404);
    const retry = await client.request('POST', `/api/jobs/${bigJob}/retry`);
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as { error: { message: string } }).error.message).toMatch(/upload the file again/);
  }, 180_000);

  it('cancels a queued verify before it starts, and retries it', async () => {
    const server = await startServer({ files: [small] });
    const client = await ownerClient(server);
    const bigJob = await upload(client, big, 'big.xml');
    const verify = ((await (await client.request('POST', '/api/verify')).json()) as { jobId: number }).jobId;
    const res = await client.request('POST', `/api/jobs/${verify}/cancel`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as ApiJob).status).toBe('cancelled');
    expect((await client.request('POST', `/api/jobs/${bigJob}/cancel`)).status).toBe(200);
    const retried = await client.request('POST', `/api/jobs/${verify}/retry`);
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as ApiJob).status).toBe('queued');
    expect((await waitForJob(client, verify)).status).toBe('done');
  }, 180_000);
});
