import { describe, expect, it } from 'vitest';
import { Client, OWNER, ownerClient, startServer } from './harness.js';

describe('setup and login', () => {
  it('creates the owner with the one-time token printed at start, once', async () => {
    const server = await startServer();
    expect(server.setupToken).toMatch(/^[\w-]{20,}$/);
    expect(server.announced.join('\n')).toContain(`/setup#token=${server.setupToken ?? ''}`);
    const anon = new Client(server.url);
    expect(await anon.json('/api/setup')).toEqual({ needed: true });
    const wrong = await anon.request('POST', '/api/setup', { json: { token: 'x'.repeat(32), ...OWNER } });
    expect(wrong.status).toBe(403);
    const weak = await anon.request('POST', '/api/setup', { json: { token: server.setupToken, username: 'owner', password: 'short' } });
    expect(weak.status).toBe(400);
    // Long enough but among the most common passwords, or built on the user name: refused with the reason (issue 26 item 8).
    const common = await anon.request('POST', '/api/setup', { json: { token: server.setupToken, username: 'owner', password: 'password' } });
    expect(common.status).toBe(400);
    expect(((await common.json()) as { error: { message: string } }).error.message).toBe(
      'the password is too easy to guess (it is one of the ten most common passwords): use a longer one, e.g. four or five unrelated words',
    );
    for (const password of ['password123', 'P@ssw0rd', 'Summer2024', 'owner1234']) {
      const r = await anon.request('POST', '/api/setup', { json: { token: server.setupToken, username: 'owner', password } });
      expect({ password, status: r.status }).toEqual({ password, status: 400 });
    }

    const res = await anon.request('POST', '/api/setup', { json: { token: server.setupToken, ...OWNER } });
    expect(res.status).toBe(201);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('tv_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Path=\//);
    expect(cookies.find((c) => c.startsWith('tv_csrf='))).not.toMatch(/HttpOnly/i);
    const body = (await res.json()) as { username: string; csrfToken: string };
    expect(body.username).toBe('owner');
    expect(await anon.json('/api/session')).toEqual({ username: 'owner', csrfToken: body.csrfToken, role: 'admin' });

    expect(await new Client(server.url).json('/api/setup')).toEqual({ needed: false });
    const again = await new Client(server.url).request('POST', '/api/setup', { json: { token: server.setupToken, username: 'intruder', password: 'long enough password' } });
    expect(again.status).toBe(403);
  });

  it('logs in with the right password only, and logs out', async () => {
    const server = await startServer();
    await ownerClient(server);
    const c = new Client(server.url);
    const bad = await c.login({ username: 'owner', password: 'wrong password!' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_credentials');
    expect((await c.login({ username: 'nobody', password: 'whatever123' })).status).toBe(401);
    expect((await c.get('/api/conversations')).status).toBe(401);
    const ok = await c.login();
    expect(ok.status).toBe(200);
    expect((await c.get('/api/conversations')).status).toBe(200);
    const out = await c.request('POST', '/api/logout');
    expect(out.status).toBe(204);
    expect((await c.get('/api/session')).status).toBe(401);
  });

  it('rate-limits login attempts per address (429)', async () => {
    const server = await startServer({ loginRateLimit: { max: 3, windowMs: 60_000 } });
    await ownerClient(server);
    const c = new Client(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await c.login({ username: 'owner', password: `guess number ${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await c.login();
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('counts failed logins only: the right password gets in after typos and however many logins came before, unless the account is locked (issue 26 item 8)', async () => {
    // Ageing out is tested with a manual clock (login-throttle.test.ts); a login takes about a second of scrypt here.
    const server = await startServer({ loginRateLimit: { max: 3, windowMs: 600_000 } });
    await ownerClient(server);
    const c = new Client(server.url);
    const status = async (password?: string, username = 'owner'): Promise<number> => (await c.login(password === undefined ? undefined : { username, password })).status;
    expect([await status('typo one'), await status('typo two'), await status()]).toEqual([401, 401, 200]);
    // Successes are not counted: more logins than the limit all work.
    for (let i = 0; i < 4; i++) expect(await status()).toBe(200);
    // A third failure within the window (a success does not wipe an account's count: a guesser elsewhere
    // would start afresh) locks the account: then even the right password is refused, with the reason.
    expect(await status('guess')).toBe(401);
    const locked = await c.login();
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(((await locked.json()) as { error: unknown }).error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/^too many failed logins to this account: it is locked for \d+ s$/) as string });

    // One address spraying guesses over many user names is stopped (3 x max failures), right password or not.
    const other = await startServer({ loginRateLimit: { max: 3, windowMs: 600_000 } });
    await ownerClient(other);
    const d = new Client(other.url);
    for (let i = 0; i < 9; i++) expect((await d.login({ username: `user${i}`, password: 'password123' })).status).toBe(401);
    const sprayed = await d.login();
    expect(sprayed.status).toBe(429);
    expect(((await sprayed.json()) as { error: { message: string } }).error.message).toMatch(/too many failed logins from this address/);
  });

  it('refuses a state-changing request without the CSRF token', async () => {
    const server = await startServer();
    const c = await ownerClient(server);
    const none = await c.request('POST', '/api/verify', { csrf: false });
    expect(none.status).toBe(403);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('csrf');
    const wrong = await c.request('POST', '/api/verify', { csrf: false, headers: { 'x-csrf-token': 'not-the-token' } });
    expect(wrong.status).toBe(403);
    const other = new Client(server.url);
    await other.login();
    // Another session's token does not fit this session.
    const crossed = await c.request('POST', '/api/verify', { csrf: false, headers: { 'x-csrf-token': other.csrf ?? '' } });
    expect(crossed.status).toBe(403);
    expect((await c.request('POST', '/api/verify')).status).toBe(202);
    // Logout is state-changing too.
    expect((await c.request('POST', '/api/logout', { csrf: false })).status).toBe(403);
  });

  it('ends an expired session (401)', async () => {
    const server = await startServer({ sessionTtlMs: 400 });
    const c = await ownerClient(server);
    expect((await c.get('/api/session')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    const res = await c.get('/api/session');
    expect(res.status).toBe(401);
    expect((await c.get('/api/conversations')).status).toBe(401);
  });

  it('sets security headers on API responses', async () => {
    const server = await startServer();
    const res = await new Client(server.url).get('/api/health');
    expect(await res.json()).toEqual({ ok: true, version: '0.1.0' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
