/**
 * Slow and greedy clients on a real socket (issue 29, item 6): a body trickled into the login
 * route, headers that never end, more connections from one address than it may hold, and uploads
 * that stall or merely crawl.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPLOADS_DIR } from '../../src/vault/jobs/index.js';
import { bodyOf, rawConnect, statusOf, trickle, type RawConnection } from '../helpers/raw-socket.js';
import { fixture } from '../helpers/temp.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { ownerClient, startServer, waitForJob, type Client, type TestServer } from './harness.js';

const portOf = (server: TestServer): number => Number(new URL(server.url).port);

/** GET /api/health from a chosen loopback address (Linux routes all of 127/8 to lo). */
function healthFrom(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

function uploadHead(server: TestServer, client: Client, length: number): string {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return (
    `POST /api/uploads?name=crawl.xml HTTP/1.1\r\nHost: 127.0.0.1:${portOf(server)}\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${client.csrf ?? ''}\r\n` +
    `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`
  );
}

describe('slow clients', () => {
  it('answers 408 and closes a login request whose body trickles in, within the request timeout', async () => {
    const server = await startServer({ limits: { requestTimeoutMs: 1000, idleTimeoutMs: 10_000 } });
    const conn = await rawConnect(portOf(server));
    const body = JSON.stringify({ username: 'owner', password: 'x'.repeat(200) });
    conn.socket.write(`POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    // One byte every 100 ms: never idle, so only a limit on the whole request can end it.
    void trickle(conn.socket, body, 1, 100);
    const ms = await Promise.race([conn.closed, sleep(6000).then(() => -1)]);
    conn.socket.destroy();
    expect(ms, 'the connection was still open after 6 s').toBeGreaterThan(0);
    expect(ms).toBeLessThan(4000);
    expect(statusOf(conn.received())).toBe(408);
    expect(bodyOf(conn.received())).toMatchObject({ error: { code: 'request_timeout' } });
  });

  it('answers 408 and closes a connection whose headers never end', async () => {
    const server = await startServer({ limits: { requestTimeoutMs: 1000, idleTimeoutMs: 10_000 } });
    const conn = await rawConnect(portOf(server));
    void trickle(conn.socket, `GET /api/health HTTP/1.1\r\nHost: localhost\r\n${'X-Slow: y\r\n'.repeat(200)}`, 1, 50);
    const ms = await Promise.race([conn.closed, sleep(6000).then(() => -1)]);
    conn.socket.destroy();
    expect(ms, 'the connection was still open after 6 s').toBeGreaterThan(0);
    expect(statusOf(conn.received())).toBe(408);
    expect(conn.received()).toMatch(/x-content-type-options: nosniff/i);
    expect(bodyOf(conn.received())).toMatchObject({ error: { code: 'request_timeout' } });
  });

  it('closes connections beyond the per-address cap at once while other clients, and health, are answered', async () => {
    const server = await startServer({ limits: { requestTimeoutMs: 20_000, idleTimeoutMs: 20_000, maxConnectionsPerAddress: 4 } });
    const port = portOf(server);
    const held: RawConnection[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const c = await rawConnect(port);
        c.socket.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\n');
        held.push(c);
      }
      const extra: RawConnection[] = [];
      for (let i = 0; i < 3; i++) extra.push(await rawConnect(port));
      held.push(...extra);
      const closedIn = await Promise.all(extra.map((c) => Promise.race([c.closed, sleep(3000).then(() => -1)])));
      expect(closedIn.every((ms) => ms >= 0), `extra connections closed after ${closedIn.join(', ')} ms (-1: still open)`).toBe(true);
      expect(extra.map((c) => c.received())).toEqual(['', '', '']);
      // The four within the cap are still open, and another address is served.
      expect(held.slice(0, 4).map((c) => c.isClosed())).toEqual([false, false, false, false]);
      expect(await healthFrom(port, '127.0.0.2')).toBe(200);
      // A slot freed is a slot for the same address again.
      held[0]?.socket.destroy();
      await waitFor('a freed slot', async () => ((await healthFrom(port, '127.0.0.1').catch(() => 0)) === 200 ? true : undefined), 5000);
    } finally {
      for (const c of held) c.socket.destroy();
    }
  });

  it('aborts an upload that stalls, keeping nothing, but completes one that crawls for longer than the request timeout', async () => {
    const server = await startServer({ limits: { requestTimeoutMs: 1000, idleTimeoutMs: 1500 } });
    const client = await ownerClient(server);
    const backup = fs.readFileSync(fixture('sbr', 'sms-mms-small.xml'));

    // Crawling: a piece every 150 ms for ~2.5 s, twice the request timeout, never idle long.
    const crawl = await rawConnect(portOf(server));
    crawl.socket.write(uploadHead(server, client, backup.length));
    await trickle(crawl.socket, backup, Math.ceil(backup.length / 16), 150);
    await waitFor('the upload answer', () => (statusOf(crawl.received()) === undefined ? undefined : true), 10_000);
    crawl.socket.destroy();
    expect(statusOf(crawl.received())).toBe(202);
    const { jobId } = bodyOf(crawl.received()) as { jobId: number };
    expect((await waitForJob(client, jobId)).status).toBe('done');

    // Stalling: half the file, then nothing.
    const stall = await rawConnect(portOf(server));
    stall.socket.write(uploadHead(server, client, backup.length));
    stall.socket.write(backup.subarray(0, backup.length / 2));
    const ms = await Promise.race([stall.closed, sleep(8000).then(() => -1)]);
    stall.socket.destroy();
    expect(ms, 'the stalled upload was still open after 8 s').toBeGreaterThan(0);
    expect(statusOf(stall.received())).not.toBe(202);
    await waitFor('the partial upload to be removed', () => (fs.readdirSync(path.join(server.dir, UPLOADS_DIR)).length === 0 ? true : undefined), 5000);
    // Nothing imported from it; the job list only records it as an interrupted upload.
    const jobs = await client.json<{ items: { status: string; result: { errorName?: string } | null }[] }>('/api/jobs');
    expect(jobs.items.map((j) => [j.status, j.result?.errorName])).toEqual([
      ['failed', 'UploadInterruptedError'],
      ['done', undefined],
    ]);
  });

  it('keeps the request timeout on an upload route until the uploader is signed in', async () => {
    const server = await startServer({ limits: { requestTimeoutMs: 1000, idleTimeoutMs: 10_000 } });
    const conn = await rawConnect(portOf(server));
    conn.socket.write(`POST /api/uploads?name=x.xml HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n`);
    void trickle(conn.socket, Buffer.alloc(100_000, 0x41), 10, 100);
    const ms = await Promise.race([conn.closed, sleep(6000).then(() => -1)]);
    conn.socket.destroy();
    expect(ms, 'the anonymous upload was still open after 6 s').toBeGreaterThan(0);
    expect(statusOf(conn.received())).toBe(401);
  });
});
