import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadName } from '../../src/server/routes/jobs.js';
import { Readable } from 'node:stream';
import { UPLOADS_DIR } from '../../src/vault/jobs/index.js';
import { Vault } from '../../src/vault/vault.js';
import { bodyOf, rawConnect, statusOf } from '../helpers/raw-socket.js';
import { writeBackup } from '../helpers/sbr-xml.js';
import { fixture } from '../helpers/temp.js';
import { ownerClient, startServer, waitForJob, type Body } from './harness.js';

interface Summary {
  sms: number;
  mms: number;
  backups: number;
}

describe('uploads', () => {
  it('streams a backup to the vault and imports it as a background job', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    expect(await client.json<Summary>('/api/stats/summary')).toMatchObject({ sms: 0, mms: 0, backups: 0 });
    const res = await client.request('POST', `/api/uploads?name=${encodeURIComponent('sms-2024.xml')}`, {
      body: fs.createReadStream(fixture('sbr', 'mms-media.xml')) as unknown as Body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: number };
    const job = await waitForJob(client, jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    expect(job.file).toBe('sms-2024.xml');
    const summary = await client.json<Summary>('/api/stats/summary');
    expect(summary.backups).toBe(1);
    expect(summary.sms + summary.mms).toBeGreaterThan(0);
    const backups = await client.json<{ items: { status: string; file: string }[] }>('/api/backups');
    expect(backups.items.map((b) => b.status)).toEqual(['complete']);
    // The import history names the file as it was uploaded, not as it was spooled.
    expect(backups.items.map((b) => b.file)).toEqual(['sms-2024.xml']);
    const jobs = await client.json<{ items: { id: number; kind: string; createdAt: number }[] }>('/api/jobs');
    expect(jobs.items[0]).toMatchObject({ id: jobId, kind: 'import' });
    expect(typeof jobs.items[0]?.createdAt).toBe('number');
    // The spooled copy is gone once the job has ended.
    expect(fs.readdirSync(path.join(server.dir, UPLOADS_DIR))).toEqual([]);
  });

  it('takes uploads far above the JSON body limit (streamed, not buffered)', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const media = Buffer.alloc(6 * 1024 * 1024, 7);
    const file = writeBackup([{ addresses: ['+15550000001'], date: Date.UTC(2024, 0, 1), parts: [{ ct: 'video/mp4', name: 'big.mp4', data: media }] }]);
    expect(fs.statSync(file).size).toBeGreaterThan(8 * 1024 * 1024);
    const res = await client.request('POST', '/api/uploads?name=big.xml', {
      body: fs.createReadStream(file) as unknown as Body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(client, ((await res.json()) as { jobId: number }).jobId);
    expect(job.status).toBe('done');
    expect(await client.json<Summary>('/api/stats/summary')).toMatchObject({ mms: 1 });
  });

  it('fails the job with a clear error for a file that is not a backup, and changes nothing', async () => {
    const server = await startServer({ files: [fixture('sbr', 'sms-mms-small.xml')] });
    const client = await ownerClient(server);
    const before = await client.json<Summary>('/api/stats/summary');
    const res = await client.request('POST', '/api/uploads?name=../../holiday.jpg', {
      body: Buffer.from('\xff\xd8\xff\xe0 this is not a backup at all', 'latin1'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(client, ((await res.json()) as { jobId: number }).jobId);
    expect(job.status).toBe('failed');
    expect(job.file).toBe('holiday.jpg');
    // The uploaded name stands in for the spool path; the reason says what the file is.
    expect(job.error).toMatch(/^holiday\.jpg: this is a JPEG photo, not a phone backup\. .*docs\/formats\.md/);
    expect(job.error).not.toMatch(/uploads[\\/]/);
    expect(await client.json<Summary>('/api/stats/summary')).toEqual(before);
    expect(fs.readdirSync(path.join(server.dir, UPLOADS_DIR))).toEqual([]);
    expect(fs.existsSync(path.join(server.dir, '..', 'holiday.jpg'))).toBe(false);
  });

  it('runs verify as a job and reports problems as { kind, message }', async () => {
    const server = await startServer({ files: [fixture('sbr', 'mms-media.xml')] });
    const client = await ownerClient(server);
    const res = await client.request('POST', '/api/verify');
    expect(res.status).toBe(202);
    const job = await waitForJob(client, ((await res.json()) as { jobId: number }).jobId);
    expect(job.status).toBe('done');
    expect(job.result).toMatchObject({ ok: true, problems: [] });
    expect(typeof job.result?.blobsChecked).toBe('number');
    expect((await client.get('/api/jobs/99999')).status).toBe(404);
  });

  it('refuses an upload over uploads.max-size with 413, declared or not, and keeps nothing', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const vault = await Vault.open(server.dir);
    try {
      await vault.config.set('uploads.max-size', '64KB');
    } finally {
      await vault.close();
    }
    const big = Buffer.alloc(200 * 1024, 0x41);
    // Declared: refused before a byte of the body is read.
    const declared = await client.request('POST', '/api/uploads?name=big.xml', { body: big, headers: { 'content-type': 'application/octet-stream' } });
    expect(declared.status).toBe(413);
    const body = (await declared.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_large');
    expect(body.error.message).toContain('uploads.max-size');
    // Chunked (no Content-Length): stopped once the count passes the limit, the partial file removed.
    const chunked = await client.request('POST', '/api/uploads?name=big.xml', {
      body: Readable.from([big.subarray(0, 50_000), big.subarray(50_000)]) as unknown as Body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(chunked.status).toBe(413);
    expect(fs.readdirSync(path.join(server.dir, UPLOADS_DIR))).toEqual([]);
    expect((await client.json<{ items: unknown[] }>('/api/jobs')).items).toEqual([]);
    // Within the limit it still works.
    const small = await client.request('POST', '/api/uploads?name=ok.xml', { body: fs.readFileSync(fixture('sbr', 'sms-mms-small.xml')), headers: { 'content-type': 'application/octet-stream' } });
    expect(small.status).toBe(202);
  });

  it('refuses an upload the disk has no room for with 507 before reading it', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const vault = await Vault.open(server.dir);
    try {
      await vault.config.set('uploads.max-size', '1000000TB');
    } finally {
      await vault.close();
    }
    const s = fs.statfsSync(server.dir);
    const free = s.bavail * s.bsize;
    const conn = await rawConnect(Number(new URL(server.url).port));
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    // Headers only: the answer must come without the body.
    conn.socket.write(
      `POST /api/uploads?name=huge.xml HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${client.csrf ?? ''}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${free + 1}\r\n\r\n`,
    );
    await conn.closed;
    expect(statusOf(conn.received())).toBe(507);
    expect(bodyOf(conn.received())).toMatchObject({ error: { code: 'insufficient_storage' } });
    expect(fs.readdirSync(path.join(server.dir, UPLOADS_DIR))).toEqual([]);
  });

  it('records an upload cut off mid-body as a failed, interrupted import in the job list', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const conn = await rawConnect(Number(new URL(server.url).port));
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    conn.socket.write(
      `POST /api/uploads?name=${encodeURIComponent('phone/sms-cut.xml')} HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${client.csrf ?? ''}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n`,
    );
    // A tenth of the body, then the page goes away (a reload closes the connection).
    await new Promise<void>((resolve) => conn.socket.write(Buffer.alloc(10_000, 'x'), () => { resolve(); }));
    await new Promise((r) => setTimeout(r, 200));
    conn.socket.destroy();
    type Listed = { id: number; kind: string; status: string; file: string | null; error: string | null; retryable: boolean; progress: { done: number; total: number | null }; result: { errorName?: string } | null };
    let job: Listed | undefined;
    for (let i = 0; i < 100 && job === undefined; i++) {
      job = (await client.json<{ items: Listed[] }>('/api/jobs')).items.find((j) => j.file === 'sms-cut.xml');
      if (job === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(job).toMatchObject({ kind: 'import', status: 'failed', retryable: false, progress: { done: 10_000, total: 100_000 }, result: { errorName: 'UploadInterruptedError' } });
    expect(job?.error).toMatch(/^the upload of sms-cut\.xml was interrupted after 10,000 bytes: .*; nothing was kept: upload the file again$/);
    expect(fs.readdirSync(path.join(server.dir, UPLOADS_DIR))).toEqual([]);
    // Nothing to run again: the file must be sent again.
    const retry = await client.request('POST', `/api/jobs/${job?.id ?? 0}/retry`);
    expect(retry.status).toBe(409);
  });

  it('keeps only a printable last segment of the name', () => {
    expect(uploadName('../../etc/passwd')).toBe('passwd');
    expect(uploadName('C:\\Users\\me\\sms.xml')).toBe('sms.xml');
    expect(uploadName('..')).toBe('upload');
    expect(uploadName(undefined)).toBe('upload');
    expect(uploadName('a\u0000b\u001b[31m.xml')).toBe('ab[31m.xml');
  });
});
