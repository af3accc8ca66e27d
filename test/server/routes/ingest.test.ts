/**
 * The upload endpoint on a real socket (a bare Fastify instance with only the ingest plugin):
 * token auth, a streamed large body, 413 before the disk fills, multipart, status URL.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceIn, ingestRoutes } from '../../../src/server/routes/ingest.js';
import { JobQueue, type Job } from '../../../src/vault/jobs/index.js';
import { setSourceEnabled } from '../../../src/vault/sources/registry.js';
import { createToken, revokeToken } from '../../../src/vault/sources/tokens.js';
import { sbrXml } from '../../helpers/sbr-files.js';
import { counts, useVaults } from '../../helpers/vault.js';
import { waitFor } from '../../helpers/wait.js';

const newVault = useVaults();
const open: { app: FastifyInstance; queue: JobQueue }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.app.close();
    await o.queue.close();
  }
});

interface Setup {
  base: string;
  queue: JobQueue;
  token: string;
  spool: string;
}

async function setup(maxBytes: number, start = true): Promise<Setup> {
  const vault = await newVault();
  const queue = await JobQueue.open(vault);
  if (start) await queue.start();
  const spool = path.join(vault.dir, 'uploads');
  const app = Fastify();
  await app.register(ingestRoutes, { device: (token) => deviceIn(queue, spool, () => Promise.resolve(maxBytes), token) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  open.push({ app, queue });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const { token } = await createToken(queue.control.db, 'Pixel 8');
  return { base: `http://127.0.0.1:${address.port}`, queue, token, spool };
}

interface RawResponse {
  status: number;
  body: string;
}

/** A request whose body is produced chunk by chunk (never held whole in memory). */
function send(url: string, options: { method: string; headers: Record<string, string | number>; body?: Iterable<Buffer> | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e);
    });
    const body = options.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else
      void (async () => {
        for (const chunk of body) {
          if (req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })().catch(() => undefined);
  });
}

function* generated(total: number, chunkSize = 1 << 20): Iterable<Buffer> {
  const chunk = Buffer.alloc(chunkSize);
  for (let i = 0; i < chunkSize; i++) chunk[i] = (i * 31 + 7) & 0xff;
  for (let sent = 0; sent < total; sent += chunkSize) {
    const n = Math.min(chunkSize, total - sent);
    // Every chunk differs (its offset in the first bytes) so the hash checks real ordering.
    chunk.writeUInt32BE(sent / chunkSize, 0);
    yield n === chunkSize ? chunk : chunk.subarray(0, n);
  }
}

const spooledFiles = (spool: string): string[] => (fs.existsSync(spool) ? fs.readdirSync(spool) : []);

describe('PUT /api/ingest/:filename', () => {
  it('imports an uploaded backup as a job whose status the device can follow', async () => {
    const s = await setup(10 * 1024 ** 2);
    const xml = Buffer.from(sbrXml(['m1', 'm2', 'm3']));
    const res = await send(`${s.base}/api/ingest/sms-2026.xml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/xml', 'content-length': xml.length },
      body: xml,
    });
    expect(res.status).toBe(202);
    const answer = JSON.parse(res.body) as { jobId: number; status: string; statusUrl: string; file: string };
    expect(answer).toMatchObject({ status: 'queued', statusUrl: `/api/ingest/jobs/${answer.jobId}`, file: 'sms-2026.xml' });
    const done = await waitFor('the job', async () => {
      const r = await send(`${s.base}${answer.statusUrl}`, { method: 'GET', headers: { authorization: `Bearer ${s.token}` } });
      const j = JSON.parse(r.body) as Job;
      return j.status === 'done' || j.status === 'failed' ? j : undefined;
    });
    expect(done.status).toBe('done');
    expect(await counts(s.queue.vault)).toEqual({ sms: 3, mms: 0, calls: 0 });
    // The spooled copy is gone once imported.
    await waitFor('the spooled copy to be removed', () => (spooledFiles(s.spool).length === 0 ? true : undefined));
    // The device's upload source now has a delivery.
    const source = await s.queue.control.db.selectFrom('sources').selectAll().where('name', '=', 'Pixel 8').executeTakeFirstOrThrow();
    expect(source.last_delivery_at).not.toBeNull();
    expect(source.newest_message_ms).toBeGreaterThan(0);
  });

  it('refuses a missing, wrong or revoked token before reading the body, and shows a device only its own jobs', async () => {
    const s = await setup(10 * 1024 ** 2);
    const xml = Buffer.from(sbrXml(['m1']));
    const put = (auth: Record<string, string>): Promise<RawResponse> =>
      send(`${s.base}/api/ingest/x.xml`, { method: 'PUT', headers: { ...auth, 'content-length': xml.length }, body: xml });
    const none = await put({});
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/Authorization: Bearer/);
    expect((await put({ authorization: 'Bearer tv_not-a-real-token' })).status).toBe(401);
    expect((await put({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).status).toBe(401);
    const other = await createToken(s.queue.control.db, 'Old tablet');
    await revokeToken(s.queue.control.db, 'Old tablet');
    expect((await put({ authorization: `Bearer ${other.token}` })).status).toBe(401);
    expect(spooledFiles(s.spool)).toEqual([]);
    expect(await counts(s.queue.vault)).toEqual({ sms: 0, mms: 0, calls: 0 });

    const mine = JSON.parse((await put({ authorization: `Bearer ${s.token}` })).body) as { jobId: number };
    const third = await createToken(s.queue.control.db, 'Work phone');
    const peek = await send(`${s.base}/api/ingest/jobs/${mine.jobId}`, { method: 'GET', headers: { authorization: `Bearer ${third.token}` } });
    expect(peek.status).toBe(404);
  });

  it("refuses a paused device's uploads (403, nothing kept) and takes them again once it is resumed", async () => {
    const s = await setup(10 * 1024 ** 2);
    const xml = Buffer.from(sbrXml(['m1']));
    const put = (): Promise<RawResponse> =>
      send(`${s.base}/api/ingest/x.xml`, { method: 'PUT', headers: { authorization: `Bearer ${s.token}`, 'content-length': xml.length }, body: xml });
    await setSourceEnabled(s.queue.control.db, 'Pixel 8', false);
    const paused = await put();
    expect(paused.status).toBe(403);
    expect(JSON.parse(paused.body)).toMatchObject({ error: { code: 'source_paused', message: expect.stringMatching(/uploads from "Pixel 8" are paused; nothing was kept.*textvault source enable "Pixel 8"/) as string } });
    expect(spooledFiles(s.spool)).toEqual([]);
    await setSourceEnabled(s.queue.control.db, 'Pixel 8', true);
    expect((await put()).status).toBe(202);
    await s.queue.idle();
    expect(await counts(s.queue.vault)).toEqual({ sms: 1, mms: 0, calls: 0 });
  });

  it('refuses with 413 an upload whose Content-Length is over the limit, without writing anything', async () => {
    const s = await setup(1024 ** 2);
    const res = await send(`${s.base}/api/ingest/big.xml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s.token}`, 'content-length': 50 * 1024 ** 2 },
      body: generated(50 * 1024 ** 2),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/larger than this vault accepts \(1048576 bytes/);
    expect(spooledFiles(s.spool)).toEqual([]);
  });

  it('refuses with 507, before reading the body, an upload that fits the disk but not with room for its import (the web uploads\' rule)', async () => {
    const s = await setup(Number.MAX_SAFE_INTEGER);
    const st = fs.statfsSync(path.dirname(s.spool));
    // Fits the free space, but leaves less than FREE_SPACE_RESERVE for the import that follows.
    const declared = st.bavail * st.bsize - 16 * 1024 ** 2;
    const res = await send(`${s.base}/api/ingest/big.xml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s.token}`, 'content-length': declared },
    });
    expect(res.status).toBe(507);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'insufficient_storage' } });
    expect(res.body).toMatch(/too few for this \d+-byte upload and the import after it/);
    expect(spooledFiles(s.spool)).toEqual([]);
  });

  it('stops a chunked upload (no Content-Length) with 413 as soon as it passes the limit and deletes the partial file', async () => {
    const s = await setup(1024 ** 2);
    const res = await send(`${s.base}/api/ingest/big.xml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s.token}`, 'transfer-encoding': 'chunked' },
      body: generated(20 * 1024 ** 2, 64 * 1024),
    });
    expect(res.status).toBe(413);
    await waitFor('the partial file to be removed', () => (spooledFiles(s.spool).length === 0 ? true : undefined));
    expect((await s.queue.list()).items).toEqual([]);
  });

  it('streams a 1 GB upload to disk in constant memory', async () => {
    // The queue is not started: this is about the transfer, not about importing 1 GB of noise.
    const s = await setup(2 * 1024 ** 3, false);
    const size = 1024 ** 3;
    const expected = createHash('sha256');
    for (const c of generated(size)) expected.update(c);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 50);
    const started = Date.now();
    const res = await send(`${s.base}/api/ingest/huge.xml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s.token}`, 'content-length': size },
      body: generated(size),
    });
    clearInterval(sampler);
    expect(res.status).toBe(202);
    const { jobId } = JSON.parse(res.body) as { jobId: number };
    const files = spooledFiles(s.spool);
    expect(files).toHaveLength(1);
    const spooled = path.join(s.spool, files[0] ?? '');
    expect(fs.statSync(spooled).size).toBe(size);
    const actual = createHash('sha256');
    for await (const c of fs.createReadStream(spooled, { highWaterMark: 1 << 20 })) actual.update(c as Buffer);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
    expect((await s.queue.get(jobId))?.status).toBe('queued');
    // The body never sat in memory: the server and this client share the process.
    expect(rssPeak - rssBefore).toBeLessThan(200 * 1024 ** 2);
    expect(Date.now() - started).toBeLessThan(60_000);
    fs.rmSync(spooled);
  }, 120_000);
});

describe('POST /api/ingest (multipart)', () => {
  it('imports every file of the form as its own job', async () => {
    const s = await setup(10 * 1024 ** 2);
    const form = new FormData();
    form.append('file', new Blob([sbrXml(['m1', 'm2'])], { type: 'application/xml' }), 'sms-a.xml');
    form.append('file', new Blob([sbrXml(['m3'])], { type: 'application/xml' }), '../../etc/sms-b.xml');
    const res = await fetch(`${s.base}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { jobs: { jobId: number; file: string }[] };
    // A path in the form's file name is never used: only its last segment is shown.
    expect(answer.jobs.map((j) => j.file)).toEqual(['sms-a.xml', 'sms-b.xml']);
    await s.queue.idle();
    expect(await counts(s.queue.vault)).toEqual({ sms: 3, mms: 0, calls: 0 });
    expect(spooledFiles(s.spool)).toEqual([]);
  });

  it('refuses with 413 a form whose files add up to more than the limit, keeping none of them', async () => {
    const s = await setup(1024 ** 2);
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(700 * 1024, 0x41)]), 'a.xml');
    form.append('file', new Blob([Buffer.alloc(700 * 1024, 0x42)]), 'b.xml');
    const res = await fetch(`${s.base}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'transfer-encoding': 'chunked' }, body: form }).catch((e: unknown) => e);
    if (res instanceof Response) expect(res.status).toBe(413);
    await waitFor('no spooled files', () => (spooledFiles(s.spool).length === 0 ? true : undefined));
    expect((await s.queue.list()).items).toEqual([]);
  });
});
