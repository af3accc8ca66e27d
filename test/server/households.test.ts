/**
 * Issue 23's security matrix: one account calls every API route (taken from the server's route
 * table, so a new route is covered without editing this file) with the ids of another account's
 * conversations, media, jobs, exports, sources and tokens; a read-only share refuses every route
 * that changes the archive; a disabled account's session and device tokens stop at once.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteKey } from '../../src/api-contract/index.js';
import { fixture } from '../helpers/temp.js';
import { Client, ownerClient, startServer, waitForJob, type TestServer } from './harness.js';

const ALICE = { username: 'alice', password: 'Purple elephant ladder 73' };
const BOB = { username: 'bob', password: 'Orange giraffe window 58' };

/** A valid body for every route that takes JSON, so a refusal is about whose archive, not the input. */
const SAMPLE_BODIES: Partial<Record<RouteKey, unknown>> = {
  'POST /api/setup': { token: 'x', username: 'x', password: 'x' },
  'POST /api/login': { username: 'x', password: 'x' },
  'POST /api/archives/current': { archiveId: 1 },
  'POST /api/shares': { username: 'nobody' },
  'POST /api/users': { username: 'mallory', password: 'Yellow submarine castle 91' },
  'PATCH /api/users/:id': { disabled: true },
  'POST /api/users/:id/password': { password: 'Yellow submarine castle 91' },
  'DELETE /api/users/:id': { confirm: 'bob' },
  'POST /api/jobs/:id/passphrase': { passphrase: 'pw' },
  'POST /api/exports': { format: 'csv' },
  'POST /api/sources': { name: 'x', kind: 'folder', config: { path: '/tmp' } },
  'PATCH /api/sources/:id': { enabled: false },
  'POST /api/tokens': { name: 'x' },
};

async function signedIn(server: TestServer, user: { username: string; password: string }): Promise<Client> {
  const c = new Client(server.url);
  const res = await c.login(user);
  if (res.status !== 200) throw new Error(`login of ${user.username}: ${res.status} ${await res.text()}`);
  return c;
}

/** A household: an admin (home archive, empty), alice (empty) and bob (an archive with messages, media, jobs, a token). */
async function household(): Promise<{ server: TestServer; admin: Client; alice: Client; bob: Client; bobIds: number[]; bobSecrets: string[]; bobToken: string; bobArchive: number }> {
  const server = await startServer();
  const admin = await ownerClient(server);
  for (const u of [ALICE, BOB]) expect((await admin.request('POST', '/api/users', { json: u })).status).toBe(201);
  const bob = await signedIn(server, BOB);
  const upload = await bob.request('POST', '/api/uploads?name=phone.xml', { body: fs.readFileSync(fixture('sbr', 'mms-media.xml')), headers: { 'content-type': 'application/octet-stream' } });
  expect(upload.status).toBe(202);
  const { jobId } = (await upload.json()) as { jobId: number };
  expect((await waitForJob(bob, jobId)).status).toBe('done');
  const exported = (await (await bob.request('POST', '/api/exports', { json: { format: 'csv' } })).json()) as { jobId: number };
  expect((await waitForJob(bob, exported.jobId)).status).toBe('done');
  const token = (await (await bob.request('POST', '/api/tokens', { json: { name: 'Bobs secret phone' } })).json()) as { id: number; token: string; sourceId: number };
  const conversations = await bob.json<{ items: { id: number; title: string }[] }>('/api/conversations');
  const ids = new Set<number>([jobId, exported.jobId, token.id, token.sourceId]);
  const secrets = new Set<string>(['Bobs secret phone', 'phone.xml']);
  for (const c of conversations.items) {
    ids.add(c.id);
    secrets.add(c.title);
    const page = await bob.json<{ items: { body: string | null; parts: { id: number; text: string | null }[] }[] }>(`/api/conversations/${c.id}/messages`);
    for (const m of page.items) {
      if (m.body !== null && m.body.length > 8) secrets.add(m.body);
      for (const p of m.parts) {
        ids.add(p.id);
        if (p.text !== null && p.text.length > 8) secrets.add(p.text);
      }
    }
  }
  expect(secrets.size).toBeGreaterThan(4);
  const archives = await bob.json<{ items: { id: number; readOnly: boolean }[] }>('/api/archives');
  const bobArchive = archives.items.find((a) => !a.readOnly)?.id ?? 0;
  return { server, admin, alice: await signedIn(server, ALICE), bob, bobIds: [...ids].sort((a, b) => a - b), bobSecrets: [...secrets], bobToken: token.token, bobArchive };
}

function urlFor(url: string, id: number): string {
  return url.replace(':id', String(id)).replace(':width', '160').replace(':filename', 'x.xml');
}

describe('households: one archive per account', () => {
  it("refuses every route with another account's ids and leaks nothing of its archive", async () => {
    const { server, alice, bobIds, bobSecrets, bobArchive } = await household();
    // Routes naming an id first: once alice has made jobs of her own (by POST /api/verify, say),
    // the same numbers would name those, which are hers to see.
    const routes = server.app.registeredRoutes
      .filter((r) => r.url.startsWith('/api/') && !r.public && r.method !== 'HEAD' && `${r.method} ${r.url}` !== 'POST /api/logout')
      .sort((a, b) => Number(b.url.includes(':id')) - Number(a.url.includes(':id')));
    expect(routes.length).toBeGreaterThan(40);
    let calls = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.url}` as RouteKey;
      const contract = ROUTES[key] as { body?: unknown } | undefined;
      const json = SAMPLE_BODIES[key];
      if (contract?.body !== undefined && typeof contract.body === 'object' && json === undefined) throw new Error(`add a sample body for ${key} to SAMPLE_BODIES`);
      const withId = route.url.includes(':id');
      for (const id of withId ? bobIds : [0]) {
        const res = await alice.request(route.method, urlFor(route.url, id), json === undefined ? {} : { json });
        calls++;
        const text = await res.text();
        if (withId) expect([403, 404], `${key} with bob's id ${id}: ${res.status} ${text.slice(0, 200)}`).toContain(res.status);
        for (const secret of bobSecrets) expect(text.includes(secret), `${key} (${id}) answered something of bob's archive: ${secret}`).toBe(false);
      }
    }
    expect(calls).toBeGreaterThan(100);
    // Nor can alice look at bob's archive by naming it.
    expect((await alice.request('POST', '/api/archives/current', { json: { archiveId: bobArchive } })).status).toBe(404);
    expect((await alice.json<{ items: unknown[] }>('/api/conversations')).items).toEqual([]);
  }, 240_000);

  it('a read-only share shows the archive and refuses every route that would change it; revoking it ends access at the next request', async () => {
    const { server, alice, bob, bobArchive, bobSecrets } = await household();
    const aliceId = ((await (await bob.request('POST', '/api/shares', { json: { username: 'alice' } })).json()) as { userId: number }).userId;
    const switched = await alice.request('POST', '/api/archives/current', { json: { archiveId: bobArchive } });
    expect(await switched.json()).toEqual({ id: bobArchive, owner: 'bob', readOnly: true, current: true });
    const seen = await alice.json<{ items: { title: string }[] }>('/api/conversations');
    expect(seen.items.map((c) => c.title).filter((t) => bobSecrets.includes(t)).length).toBeGreaterThan(0);

    const writes = server.app.registeredRoutes.filter((r) => r.url.startsWith('/api/') && !r.public && r.access === undefined && !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    expect(writes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['POST /api/uploads', 'POST /api/verify', 'POST /api/tokens', 'DELETE /api/sources/:id', 'POST /api/jobs/:id/cancel']));
    for (const route of writes) {
      const key = `${route.method} ${route.url}` as RouteKey;
      const json = SAMPLE_BODIES[key];
      const res = await alice.request(route.method, urlFor(route.url, 1), json === undefined ? {} : { json });
      expect(res.status, key).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code, key).toBe('read_only');
    }
    // Reading includes exporting: a job of bob's archive, downloadable by alice.
    const exported = await alice.request('POST', '/api/exports', { json: { format: 'csv' } });
    expect(exported.status).toBe(202);
    expect((await waitForJob(alice, ((await exported.json()) as { jobId: number }).jobId)).status).toBe('done');

    expect((await bob.request('DELETE', `/api/shares/${aliceId}`)).status).toBe(204);
    expect((await alice.json<{ items: unknown[] }>('/api/conversations')).items).toEqual([]);
    expect((await alice.json<{ items: { owner: string }[] }>('/api/archives')).items.map((a) => a.owner)).toEqual(['alice']);
  }, 240_000);

  it("refuses a disabled account's session and its archive's device tokens at once, and admins' routes to users", async () => {
    const { server, admin, alice, bob, bobToken } = await household();
    const users = await admin.json<{ items: { id: number; username: string; archive: { sizeBytes: number; lastBackupAt: number | null } | null }[] }>('/api/users');
    const bobAccount = users.items.find((u) => u.username === 'bob');
    // The admin sees the size and the last backup, not the messages.
    expect(bobAccount?.archive?.sizeBytes).toBeGreaterThan(0);
    expect(bobAccount?.archive?.lastBackupAt).toBeGreaterThan(0);
    expect((await admin.json<{ items: unknown[] }>('/api/conversations')).items).toEqual([]);
    expect((await alice.request('GET', '/api/users')).status).toBe(403);

    const put = (): Promise<Response> =>
      fetch(`${server.url}/api/ingest/more.xml`, { method: 'PUT', headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/octet-stream' }, body: fs.readFileSync(fixture('sbr', 'sms-mms-small.xml')) });
    const before = await put();
    expect(before.status).toBe(202);
    // The device's upload went into bob's archive, not into the home archive or alice's.
    expect((await bob.json<{ items: { id: number }[] }>('/api/jobs')).items.length).toBe(3);
    expect((await admin.json<{ items: unknown[] }>('/api/jobs')).items).toEqual([]);

    expect((await admin.request('PATCH', `/api/users/${bobAccount?.id ?? 0}`, { json: { disabled: true } })).status).toBe(200);
    expect((await bob.request('GET', '/api/session')).status).toBe(401);
    expect((await bob.login({ username: 'bob', password: BOB.password })).status).toBe(401);
    expect((await put()).status).toBe(401);
    expect((await admin.request('PATCH', `/api/users/${bobAccount?.id ?? 0}`, { json: { disabled: false } })).status).toBe(200);
    expect((await put()).status).toBe(202);
    // Removing asks for the name again.
    expect((await admin.request('DELETE', `/api/users/${bobAccount?.id ?? 0}`, { json: { confirm: 'bo' } })).status).toBe(400);
    expect(await (await admin.request('DELETE', `/api/users/${bobAccount?.id ?? 0}`, { json: { confirm: 'bob' } })).json()).toEqual({ removed: 'bob', archiveDeleted: true });
    expect((await put()).status).toBe(401);
  }, 240_000);
});
