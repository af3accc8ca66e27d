/**
 * DNS rebinding (issue 29, item 8): a page on evil.example, re-pointed at 127.0.0.1, sends its
 * requests with `Host: evil.example`. They are refused before any route, setup and login
 * included; the names the server is really reached by still work.
 */
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from '../../src/server/serve.js';
import { ConfigError } from '../../src/vault/config.js';
import { Vault } from '../../src/vault/vault.js';
import { tempDir } from '../helpers/temp.js';
import { OWNER, startServer, type TestServer } from './harness.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with a Host header of our choosing (fetch does not let one set it). */
function request(server: Pick<TestServer, 'url'>, method: string, path: string, host: string, json?: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(server.url);
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent: false,
        headers: { host, ...extra, ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('host check', () => {
  it('refuses setup, login and the app for a foreign Host, with the error shape; our own names work', async () => {
    const server = await startServer();
    const port = new URL(server.url).port;
    const evil = `evil.example:${port}`;
    const setup = await request(server, 'POST', '/api/setup', evil, { token: server.setupToken, ...OWNER });
    expect(setup.status).toBe(421);
    expect(setup.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(setup.body)).toMatchObject({ error: { code: 'unknown_host' } });
    const login = await request(server, 'POST', '/api/login', evil, OWNER);
    expect(login.status).toBe(421);
    expect((await request(server, 'GET', '/setup', evil)).status).toBe(421);
    expect((await request(server, 'GET', '/api/health', 'EVIL.example.')).status).toBe(421);

    // The setup token was not spent by the refused request: the owner can still be created.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) expect((await request(server, 'GET', '/api/health', host)).status, host).toBe(200);
    const created = await request(server, 'POST', '/api/setup', `localhost:${port}`, { token: server.setupToken, ...OWNER });
    expect(created.status).toBe(201);
  });

  it('accepts the configured public host names, and behind a trusted proxy judges the forwarded host', async () => {
    const server = await startServer({ publicHosts: ['archive.example.org'], trustProxy: true });
    expect((await request(server, 'GET', '/api/health', 'archive.example.org')).status).toBe(200);
    expect((await request(server, 'GET', '/api/health', 'Archive.Example.org:443')).status).toBe(200);
    expect((await request(server, 'GET', '/api/health', 'other.example.org')).status).toBe(421);
    // nginx without `proxy_set_header Host` sends the upstream address; X-Forwarded-Host names the site.
    expect((await request(server, 'GET', '/api/health', '127.0.0.1:8787', undefined, { 'x-forwarded-host': 'archive.example.org' })).status).toBe(200);
    expect((await request(server, 'GET', '/api/health', '127.0.0.1:8787', undefined, { 'x-forwarded-host': 'evil.example' })).status).toBe(421);
  });

  it('reads server.hosts from the vault settings at start, and refuses a setting that is not a host name', async () => {
    const dir = path.join(tempDir(), 'vault');
    const vault = await Vault.open(dir, { create: true });
    try {
      await expect(vault.config.set('server.hosts', 'https://archive.lan/')).rejects.toThrow(ConfigError);
      await vault.config.set('server.hosts', 'Archive.LAN, sms.example.org');
      expect(await vault.config.get('server.hosts')).toBe('archive.lan,sms.example.org');
    } finally {
      await vault.close();
    }
    const running = await serve({ dir, host: '127.0.0.1', port: 0, announce: () => undefined });
    try {
      expect((await request(running, 'GET', '/api/health', 'archive.lan')).status).toBe(200);
      expect((await request(running, 'GET', '/api/health', 'sms.example.org:8787')).status).toBe(200);
      expect((await request(running, 'GET', '/api/health', 'other.lan')).status).toBe(421);
    } finally {
      await running.close();
    }
  });
});
