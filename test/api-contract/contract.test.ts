/**
 * The API contract against the real server: every route the server registers has an entry in
 * ROUTES (and every entry a route), and every route, called on a real socket over a real vault
 * with imported backups, answers its contract's status with a body its response schema parses
 * (strictly: a field the contract does not name fails too).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeSmsBackup } from '../../bench/generator.js';
import { ROUTES, type RouteKey } from '../../src/api-contract/index.js';
import { recordSnapshot, recordSnapshotFailure } from '../../src/vault/snapshot/status.js';
import { evaluateAlerts, markNotified } from '../../src/vault/sources/alerts.js';
import { addRejectedFile, addSource, noteError, noteRun, noteSuccess } from '../../src/vault/sources/registry.js';
import { JobQueue } from '../../src/vault/jobs/index.js';
import type { Vault } from '../../src/vault/vault.js';
import { Client, OWNER, startServer, waitForJob, type Body } from '../server/harness.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { abOf, phoneTar } from '../formats/androidbackup/build.js';

const DAY = 86_400_000;

/** Every kind of record a response can carry, so no schema is checked only against empty lists. */
async function seed(vault: Vault, allowed: string): Promise<void> {
  await vault.config.set('sources.allowed-folders', allowed);
  // Where "Snapshot now" writes (unscheduled: no snapshot runs on its own during the test).
  await vault.config.set('snapshot.schedule', 'off');
  await vault.config.set('snapshot.to', path.join(allowed, 'snapshots'));
  const queue = await JobQueue.open(vault);
  try {
    const db = queue.control.db;
    const now = Date.now();
    // A phone that went quiet a month ago: a stale alert, notified, and a file it sent that was no backup.
    const phone = await addSource(db, { name: 'Old phone', kind: 'upload', config: {} }, now - 30 * DAY);
    await noteRun(db, phone.id, now - 20 * DAY);
    await noteSuccess(db, phone.id, { delivered: true, newestMessageMs: now - 21 * DAY }, now - 20 * DAY);
    await noteError(db, phone.id, 'the connection dropped', now - 19 * DAY);
    const { raised } = await evaluateAlerts(db, now);
    for (const a of raised) await markNotified(db, a.id, now);
    await addRejectedFile(db, { sourceId: phone.id, path: '/phone/holiday.jpg', originalName: 'holiday.jpg', reason: 'not a backup: a JPEG image' });
  } finally {
    await queue.close();
  }
  recordSnapshot(vault.dir, { id: 'snap-1', at: new Date(Date.now() - DAY).toISOString(), to: '/backups', encrypted: true, bytes: 2048, addedBytes: 1024, seconds: 3, counts: { messages: 10, calls: 2, blobs: 1 } });
  recordSnapshotFailure(vault.dir, { at: new Date().toISOString(), to: '/backups', message: 'the disk is full' });
}

interface Call {
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  json?: unknown;
  body?: Body;
  headers?: Record<string, string>;
}

/** Calls one route as its contract names it and checks the answer against the contract. */
function contractClient(client: Client, called: Set<RouteKey>) {
  return async (key: RouteKey, call: Call = {}): Promise<unknown> => {
    const contract = ROUTES[key];
    const [method = '', pattern = ''] = key.split(' ');
    const url =
      pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(String(call.params?.[name] ?? ''))) +
      (call.query === undefined ? '' : `?${new URLSearchParams(Object.entries(call.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`);
    const res = await client.request(method, url, {
      ...(call.json === undefined ? {} : { json: call.json }),
      ...(call.body === undefined ? {} : { body: call.body }),
      ...(call.headers === undefined ? {} : { headers: call.headers }),
      ...(contract.response === 'redirect' ? { redirect: 'manual' as const } : {}),
    });
    const status = 'status' in contract ? contract.status : 200;
    const text = contract.response === 'bytes' ? '' : await res.text();
    expect(res.status, `${key}: ${text}`).toBe(status);
    called.add(key);
    if (contract.response === 'bytes') {
      expect((await res.arrayBuffer()).byteLength, key).toBeGreaterThan(0);
      return undefined;
    }
    if (contract.response === 'redirect') {
      expect(res.headers.get('location'), key).toMatch(/^(\/|https?:\/\/)/);
      return undefined;
    }
    if (contract.response === 'empty') {
      expect(text, key).toBe('');
      return undefined;
    }
    const parsed = contract.response.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${key} answered what its contract does not allow: ${z.prettifyError(parsed.error)}\n${text.slice(0, 2000)}`);
    return parsed.data;
  };
}

describe('the API contract', () => {
  it('has a schema for every route the server registers, and a route for every schema', async () => {
    const server = await startServer();
    const registered = new Set(server.app.registeredRoutes.filter((r) => r.url.startsWith('/api') && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`));
    expect(registered.size).toBeGreaterThan(30);
    const missing = [...registered].filter((k) => !(k in ROUTES));
    expect(missing, 'routes without a contract in src/api-contract/routes.ts').toEqual([]);
    expect(Object.keys(ROUTES).filter((k) => !registered.has(k)), 'contracts of no route').toEqual([]);
  });

  it('every route answers what its schema says, on a real vault', async () => {
    const allowed = fs.realpathSync(tempDir());
    const watched = path.join(allowed, 'watched');
    fs.mkdirSync(watched);
    const big = path.join(tempDir(), 'big.xml');
    await writeSmsBackup(big, { seed: 7, sms: 10_000, mms: 10, mediaBytes: 2_000 });
    const server = await startServer({
      files: [fixture('sbr', 'mms-media.xml'), fixture('sbr', 'sms-threads.xml'), fixture('exports', 'calls.xml')],
      prepare: (vault) => seed(vault, allowed),
    });
    const called = new Set<RouteKey>();
    const anon = contractClient(new Client(server.url), called);
    await anon('GET /api/health');
    const setupNeeded = (await anon('GET /api/setup')) as { needed: boolean };
    expect(setupNeeded.needed).toBe(true);
    const ownerHttp = new Client(server.url);
    const owner = contractClient(ownerHttp, called);
    ownerHttp.csrf = ((await owner('POST /api/setup', { json: { token: server.setupToken, ...OWNER } })) as { csrfToken: string }).csrfToken;
    await anon('POST /api/login', { json: OWNER });
    await owner('GET /api/session');
    // Single sign-on is not set up here: both ends send the browser back to the login page
    // (test/server/auth/oidc.test.ts runs them against a real provider).
    expect(await anon('GET /api/auth/methods')).toEqual({ password: true, sso: null });
    await anon('GET /api/auth/oidc/start');
    await anon('GET /api/auth/oidc/callback', { query: { state: 'x', code: 'y' } });

    // The archive.
    const conversations = (await owner('GET /api/conversations', { query: { limit: 50 } })) as { items: { id: number }[] };
    expect(conversations.items.length).toBeGreaterThan(1);
    let partId: number | undefined;
    let imageId: number | undefined;
    for (const c of conversations.items) {
      await owner('GET /api/conversations/:id', { params: { id: c.id } });
      const page = (await owner('GET /api/conversations/:id/messages', { params: { id: c.id } })) as { items: { parts: { id: number; kind: string }[] }[] };
      partId ??= page.items.flatMap((m) => m.parts)[0]?.id;
      imageId ??= page.items.flatMap((m) => m.parts).find((p) => p.kind === 'image')?.id;
    }
    if (partId === undefined || imageId === undefined) throw new Error('the fixtures have no MMS part, or no image');
    await owner('GET /api/media/:id', { params: { id: partId } });
    await owner('GET /api/media/:id/view', { params: { id: imageId } });
    await owner('GET /api/media/:id/thumb/:width', { params: { id: imageId, width: '160' } });
    const hits = (await owner('GET /api/search', { query: { q: 'the' } })) as { items: unknown[] };
    expect(hits.items.length).toBeGreaterThan(0);
    expect(((await owner('GET /api/calls')) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const timeline = (await owner('GET /api/timeline', { query: { limit: 500 } })) as { items: { kind: string }[] };
    expect(new Set(timeline.items.map((e) => e.kind))).toEqual(new Set(['sms', 'mms', 'call']));
    await owner('GET /api/timeline', { query: { date: Date.UTC(2020, 0, 1), kind: 'call', direction: 'missed' } });
    const gallery = (await owner('GET /api/gallery', { query: { limit: 500 } })) as { items: { conversationId: number }[] };
    expect(gallery.items.length).toBeGreaterThan(0);
    await owner('GET /api/gallery', { query: { date: Date.UTC(2020, 0, 1), kind: 'image', contact: 'a' } });
    expect(((await owner('GET /api/gallery/months')) as { total: number }).total).toBe(gallery.items.length);
    await owner('GET /api/conversations/:id/media.zip', { params: { id: gallery.items[0]?.conversationId ?? 0 } });
    await owner('GET /api/stats/summary');
    await owner('GET /api/stats/monthly');
    await owner('GET /api/stats/top-contacts', { query: { by: 'calls' } });
    await owner('GET /api/stats/activity');
    expect(((await owner('GET /api/backups')) as { items: unknown[] }).items.length).toBe(3);
    await owner('GET /api/formats');
    const snapshot = (await owner('GET /api/snapshots/status')) as { last: unknown; lastError: unknown; canRunNow: boolean };
    expect(snapshot.last).not.toBeNull();
    expect(snapshot.lastError).not.toBeNull();
    expect(snapshot.canRunNow).toBe(true);

    // Jobs: an import that takes a while, a verify queued behind it (cancelled, then retried), an export.
    const upload = (await owner('POST /api/uploads', { query: { name: 'big.xml' }, body: fs.createReadStream(big) as unknown as Body, headers: { 'content-type': 'application/octet-stream' } })) as { jobId: number };
    const verify = (await owner('POST /api/verify')) as { jobId: number };
    expect(((await owner('POST /api/jobs/:id/cancel', { params: { id: verify.jobId } })) as { status: string }).status).toBe('cancelled');
    expect(((await owner('POST /api/jobs/:id/retry', { params: { id: verify.jobId } })) as { status: string }).status).toBe('queued');
    expect((await waitForJob(ownerHttp, upload.jobId)).status).toBe('done');
    expect((await waitForJob(ownerHttp, verify.jobId)).status).toBe('done');
    const exported = (await owner('POST /api/exports', { json: { format: 'csv', kinds: ['sms', 'calls'] } })) as { jobId: number };
    expect((await waitForJob(ownerHttp, exported.jobId)).status).toBe('done');
    const snapshotJob = (await owner('POST /api/snapshots')) as { jobId: number };
    expect((await waitForJob(ownerHttp, snapshotJob.jobId)).status).toBe('done');
    for (const id of [upload.jobId, verify.jobId, exported.jobId, snapshotJob.jobId]) await owner('GET /api/jobs/:id', { params: { id } });
    expect(((await owner('GET /api/jobs')) as { items: unknown[] }).items.length).toBe(4);
    await owner('GET /api/exports/:id/download', { params: { id: exported.jobId } });
    // An encrypted upload asks for its password, which imports it.
    const encrypted = (await owner('POST /api/uploads', { query: { name: 'phone.ab' }, body: abOf(phoneTar(), { password: 'pw', rounds: 1000 }), headers: { 'content-type': 'application/octet-stream' } })) as { jobId: number };
    expect((await waitForJob(ownerHttp, encrypted.jobId)).status).toBe('failed');
    expect(((await owner('POST /api/jobs/:id/passphrase', { params: { id: encrypted.jobId }, json: { passphrase: 'pw' } })) as { status: string }).status).toBe('queued');
    expect((await waitForJob(ownerHttp, encrypted.jobId)).status).toBe('done');

    // Sources, alerts, device tokens and their uploads.
    const status = (await owner('GET /api/status')) as { alerts: unknown[]; rejectedFiles: unknown[] };
    expect(status.alerts.length).toBeGreaterThan(0);
    expect(status.rejectedFiles.length).toBe(1);
    expect(((await owner('GET /api/alerts')) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    await owner('GET /api/sources/allowed-folders');
    const source = (await owner('POST /api/sources', { json: { name: 'Downloads', kind: 'folder', config: { path: watched }, expectedIntervalMs: DAY } })) as { id: number };
    await owner('GET /api/sources');
    await owner('POST /api/sources/:id/run', { params: { id: source.id } });
    await owner('PATCH /api/sources/:id', { params: { id: source.id }, json: { enabled: false } });
    await owner('DELETE /api/sources/:id', { params: { id: source.id } });
    const token = (await owner('POST /api/tokens', { json: { name: 'Pixel 8' } })) as { id: number; token: string };
    await owner('GET /api/tokens');
    const device = contractClient(new Client(server.url), called);
    const bearer = { authorization: `Bearer ${token.token}` };
    const small = fs.readFileSync(fixture('sbr', 'sms-mms-small.xml'));
    const put = (await device('PUT /api/ingest/:filename', { params: { filename: 'sms-1.xml' }, body: small, headers: { ...bearer, 'content-type': 'application/octet-stream' } })) as { jobId: number };
    const form = new FormData();
    form.append('file', new Blob([small]), 'sms-2.xml');
    await device('POST /api/ingest', { body: form, headers: bearer });
    await device('GET /api/ingest/jobs/:id', { params: { id: put.jobId }, headers: bearer });
    await owner('DELETE /api/tokens/:id', { params: { id: token.id } });

    // Accounts and archives: the admin adds an account, shares its own archive with it, looks at
    // its own archive through the switcher, ends the share and removes the account.
    const kid = (await owner('POST /api/users', { json: { username: 'kid', password: 'Purple elephant ladder 73', email: 'kid@example.org' } })) as { id: number };
    expect(((await owner('GET /api/users')) as { items: unknown[] }).items.length).toBe(2);
    await owner('PATCH /api/users/:id', { params: { id: kid.id }, json: { email: null, disabled: false } });
    await owner('POST /api/users/:id/password', { params: { id: kid.id }, json: { password: 'Orange giraffe window 58' } });
    await owner('POST /api/shares', { json: { username: 'kid' } });
    expect(((await owner('GET /api/shares')) as { items: unknown[] }).items.length).toBe(1);
    const archives = (await owner('GET /api/archives')) as { items: { id: number; current: boolean }[] };
    await owner('POST /api/archives/current', { json: { archiveId: archives.items[0]?.id ?? 0 } });
    await owner('DELETE /api/shares/:id', { params: { id: kid.id } });
    expect(await owner('DELETE /api/users/:id', { params: { id: kid.id }, json: { confirm: 'kid' } })).toEqual({ removed: 'kid', archiveDeleted: true });

    await owner('POST /api/logout');
    expect([...Object.keys(ROUTES)].filter((k) => !called.has(k as RouteKey)), 'routes this test did not call').toEqual([]);
  }, 180_000);
});
