/**
 * HTTP compression (issue 26 item 8): JSON and the app's files go out compressed when the client
 * asks, with every security header still on them; media are sent as stored (Range works, the
 * length is known), and small answers are not compressed. Raw sockets (node:http), so nothing
 * decodes behind the test's back.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers/temp.js';
import { ownerClient, startServer } from './harness.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(base: string, url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(base + url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      })
      .on('error', reject);
  });
}

function webRoot(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Textvault</title><script type="module" src="/assets/app.js"></script>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), `console.log(${JSON.stringify('the app '.repeat(2000))});`);
  return root;
}

const SECURITY = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy', 'cross-origin-resource-policy'];

describe('compression', () => {
  it('compresses JSON and the app with br or gzip, keeps the security headers, and leaves media and small answers alone', async () => {
    const server = await startServer({ files: [fixture('sbr', 'mms-media.xml')], webRoot: webRoot() });
    const client = await ownerClient(server);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

    const plain = await get(server.url, '/api/stats/activity', { cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get(server.url, '/api/stats/activity', { cookie, 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    for (const h of SECURITY) expect({ h, value: br.headers[h] }).toEqual({ h, value: plain.headers[h] });
    expect(br.headers['cache-control']).toBe('no-store');

    const gz = await get(server.url, '/assets/app.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toContain('the app the app');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const h of SECURITY) expect({ h, present: gz.headers[h] !== undefined }).toEqual({ h, present: true });

    // Under 1 KiB: not worth it.
    const health = await get(server.url, '/api/health', { 'accept-encoding': 'br, gzip' });
    expect(health.headers['content-encoding']).toBeUndefined();

    // Media as stored, whatever the type: every part of the fixture, whole and by range.
    const page = await client.json<{ items: { parts: { url: string; contentType: string; size: number | null }[] }[] }>(
      `/api/conversations/${(await client.json<{ items: { id: number }[] }>('/api/conversations')).items[0]?.id ?? 0}/messages?limit=100`,
    );
    // Text parts are shown from the message itself (their url has nothing stored behind it).
    const parts = page.items.flatMap((m) => m.parts).filter((p) => p.size !== null && p.size > 0);
    expect(parts.map((p) => p.contentType).sort()).toEqual(expect.arrayContaining(['application/pdf', 'audio/ogg', 'image/png', 'video/mp4']));
    for (const p of parts) {
      const whole = await get(server.url, p.url, { cookie, 'accept-encoding': 'br, gzip, deflate' });
      expect(whole.status).toBe(200);
      expect({ type: p.contentType, encoding: whole.headers['content-encoding'], length: whole.headers['content-length'] }).toEqual({ type: p.contentType, encoding: undefined, length: String(whole.body.length) });
      const range = await get(server.url, p.url, { cookie, 'accept-encoding': 'br, gzip', range: 'bytes=0-0' });
      expect({ type: p.contentType, status: range.status, encoding: range.headers['content-encoding'] }).toEqual({ type: p.contentType, status: 206, encoding: undefined });
    }
  });
});
