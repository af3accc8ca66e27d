/**
 * Every error answer has the API's shape and the security headers, and none carries internal
 * text (issue 29, item 8): router errors, errors Node answers before Fastify, 500s, bad input,
 * and failed jobs.
 */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/server/errors.js';
import { JobQueue } from '../../src/vault/jobs/index.js';
import { Vault } from '../../src/vault/vault.js';
import { bodyOf, rawConnect, statusOf } from '../helpers/raw-socket.js';
import { ownerClient, startServer, waitForJob } from './harness.js';

const SHAPE = { error: { code: expect.any(String) as unknown, message: expect.any(String) as unknown } };

/** One request on a raw socket (the URL exactly as given), and the whole answer. */
async function rawGet(port: number, target: string): Promise<string> {
  const conn = await rawConnect(port);
  conn.socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  await conn.closed;
  return conn.received();
}

function expectSecurityHeaders(answer: string): void {
  expect(answer).toMatch(/^x-content-type-options: nosniff\r$/im);
  expect(answer).toMatch(/^x-frame-options: DENY\r$/im);
  expect(answer).toMatch(/^content-security-policy: .*frame-ancestors 'none'/im);
  expect(answer).toMatch(/^content-type: application\/json/im);
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('error answers', () => {
  it('answers a too-long path segment (414) and a malformed escape (400) with the error shape and security headers', async () => {
    const server = await startServer();
    const port = Number(new URL(server.url).port);
    const long = await rawGet(port, `/api/conversations/${'1'.repeat(500)}`);
    expect(statusOf(long)).toBe(414);
    expectSecurityHeaders(long);
    expect(bodyOf(long)).toMatchObject({ error: { code: 'uri_too_long' } });

    const bad = await rawGet(port, '/api/conversations/%zz');
    expect(statusOf(bad)).toBe(400);
    expectSecurityHeaders(bad);
    expect(bodyOf(bad)).toMatchObject({ error: { code: 'bad_url' } });

    // Headers over Node's limit never reach Fastify: answered by the clientError handler.
    const huge = await rawGet(port, `/${'a'.repeat(20_000)}`);
    expect(statusOf(huge)).toBe(431);
    expectSecurityHeaders(huge);
    expect(bodyOf(huge)).toMatchObject({ error: { code: 'headers_too_large' } });

    const notFound = await rawGet(port, '/api/no-such-route');
    expectSecurityHeaders(notFound);
    expect(bodyOf(notFound)).toMatchObject(SHAPE);
  });

  it('answers a search for a NUL character 400 with a clear message, not 500', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    for (const url of ['/api/search?q=a%00b', '/api/search?q=x&contact=%00', '/api/conversations?q=%00']) {
      const res = await client.get(url);
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(/NUL/);
    }
  });

  it('shows a 500 as a generic message with an id, and logs the internal text under that id', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: {
        level: 'error',
        stream: new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      },
    });
    app.setErrorHandler(errorHandler);
    app.get('/boom', () => {
      throw new RangeError('Invalid string length');
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => app.close());
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('Invalid string length');
    const body = JSON.parse(text) as { error: { code: string; id: string; message: string } };
    expect(body.error.code).toBe('internal');
    expect(body.error.id).toMatch(/^[0-9a-f]{12}$/);
    expect(body.error.message).toContain(body.error.id);
    expect(lines.some((l) => l.includes(body.error.id) && l.includes('Invalid string length'))).toBe(true);
  });

  it('hides the text of a job that failed on an internal error (RangeError "Invalid string length")', async () => {
    const server = await startServer();
    const client = await ownerClient(server);
    const vault = await Vault.open(server.dir);
    const queue = await JobQueue.open(vault);
    closers.push(async () => {
      await queue.close();
      await vault.close();
    });
    // The row exactly as JobQueue stores a job whose import threw a RangeError (the hostile XML
    // of issue 29 did this): the error's text and its class name.
    const job = await queue.enqueue({ kind: 'import', file: 'hostile.xml' });
    await queue.control.db
      .updateTable('jobs')
      .set({ status: 'failed', ended_at: Date.now(), error: 'Invalid string length', result_json: JSON.stringify({ errorName: 'RangeError' }) })
      .where('id', '=', job.id)
      .execute();
    const seen = await waitForJob(client, job.id);
    expect(seen.status).toBe('failed');
    expect(seen.error).not.toContain('Invalid string length');
    expect(seen.error).toContain(`job ${job.id}`);
    const listed = await client.json<{ items: { id: number; error: string | null }[] }>('/api/jobs');
    expect(listed.items.find((j) => j.id === job.id)?.error).not.toContain('Invalid string length');
  });
});
