import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers/temp.js';
import { Client, startServer } from './harness.js';

const PUBLIC_API = new Set(['GET /api/health', 'HEAD /api/health', 'GET /api/setup', 'HEAD /api/setup', 'POST /api/setup', 'POST /api/login', ...['/api/auth/methods', '/api/auth/oidc/start', '/api/auth/oidc/callback'].flatMap((p) => [`GET ${p}`, `HEAD ${p}`])]);

function webRoot(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Textvault</title><script type="module" src="/assets/app.js"></script>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("app")');
  return root;
}

describe('every route', () => {
  it('refuses an anonymous request (401) except health, setup, login and the static app', async () => {
    const server = await startServer({ files: [fixture('sbr', 'mms-media.xml')], webRoot: webRoot() });
    const anon = new Client(server.url);
    const routes = server.app.registeredRoutes;
    // The list must really hold the API, or this test would prove nothing.
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const k of ['GET /api/conversations', 'GET /api/conversations/:id/messages', 'GET /api/media/:id', 'POST /api/uploads', 'POST /api/verify', 'GET /api/jobs/:id', 'GET /api/search', 'POST /api/logout', 'PUT /api/ingest/:filename', 'POST /api/ingest', 'GET /api/status', 'POST /api/sources', 'POST /api/tokens'])
      expect(keys).toContain(k);
    expect(routes.length).toBeGreaterThan(20);

    for (const route of routes) {
      const url = route.url.replace(/:[A-Za-z]+/g, '1').replace(/\*/g, 'x');
      const key = `${route.method} ${route.url}`;
      const res = await anon.request(route.method, url, route.method === 'POST' ? { json: {} } : {});
      if (!route.url.startsWith('/api')) {
        expect(res.status, key).toBe(200);
        expect(route.public || !route.url.startsWith('/api'), key).toBe(true);
      } else if (PUBLIC_API.has(key)) {
        expect(res.status, key).not.toBe(401);
        expect(route.public, key).toBe(true);
      } else {
        expect(res.status, key).toBe(401);
        if (route.method !== 'HEAD') expect(((await res.json()) as { error: { code: string } }).error.code, key).toBe('unauthenticated');
      }
    }
    // Paths no route matches say nothing either.
    expect((await anon.get('/api/no-such-thing')).status).toBe(401);
  });

  it('serves the app with its security headers and falls back to index.html for client routes', async () => {
    const server = await startServer({ webRoot: webRoot() });
    const anon = new Client(server.url);
    for (const p of ['/', '/conversations/12', '/setup']) {
      const res = await anon.get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<title>Textvault</title>');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const asset = await anon.get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await anon.request('POST', '/conversations')).status).toBe(404);
  });
});
