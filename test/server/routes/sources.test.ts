/**
 * The sources API for the web app on a real socket (a bare Fastify instance with the plugin):
 * status with alerts and deletions, sources added/run/removed, device tokens.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import '../../../src/server/auth/archive-scope.js';
import { sourceRoutes } from '../../../src/server/routes/sources.js';
import { SnapshotService } from '../../../src/sources/snapshot-service.js';
import { SourceService } from '../../../src/sources/source-service.js';
import { JobQueue } from '../../../src/vault/jobs/index.js';
import { checkToken } from '../../../src/vault/sources/tokens.js';
import { sbrXml } from '../../helpers/sbr-files.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, useVaults } from '../../helpers/vault.js';

const newVault = useVaults();
const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c();
});

async function api(): Promise<{ call: (method: string, url: string, body?: unknown) => Promise<{ status: number; json: unknown }>; queue: JobQueue; newFolder: () => string }> {
  const vault = await newVault();
  // Web users may only watch inside the folders the admin allowed.
  const allowed = fs.realpathSync(tempDir());
  await vault.config.set('sources.allowed-folders', allowed);
  let n = 0;
  const newFolder = (): string => {
    const folder = path.join(allowed, `folder-${++n}`);
    fs.mkdirSync(folder);
    return folder;
  };
  const queue = await JobQueue.open(vault);
  await queue.start();
  open.push(() => queue.close());
  const service = new SourceService(vault, queue, { alertCheckMs: 3_600_000 });
  await service.start();
  open.push(() => service.stop());
  const app: FastifyInstance = Fastify();
  // What the guard does for a signed-in owner: every request works on this archive.
  app.decorateRequest('archive', null);
  const scope = { id: 1, vault, jobVault: vault, queue, sources: service, snapshots: new SnapshotService(vault), readOnly: false };
  app.addHook('onRequest', (request, _reply, done) => {
    request.archive = scope;
    done();
  });
  await app.register(sourceRoutes);
  await app.listen({ host: '127.0.0.1', port: 0 });
  open.push(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`http://127.0.0.1:${address.port}${url}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  return { call, queue, newFolder };
}

describe('the sources API', () => {
  it('adds, runs and removes a folder source, and reports status', async () => {
    const { call, queue, newFolder } = await api();
    const folder = newFolder();
    fs.writeFileSync(path.join(folder, 'sms.xml'), sbrXml(['m1', 'm2']));
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(folder, 'sms.xml'), past, past);

    const bad = await call('POST', '/api/sources', { name: 'x', kind: 'folder', config: { path: folder }, schedule: 'now and then' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/not a schedule/) as string } });

    const added = await call('POST', '/api/sources', { name: 'phone', kind: 'folder', config: { path: folder, settleMs: 1000 }, schedule: 'daily' });
    expect(added.status).toBe(201);
    const id = (added.json as { id: number }).id;
    expect((await call('GET', '/api/sources')).json).toMatchObject({ items: [{ id, name: 'phone', kind: 'folder', schedule: 'daily' }] });

    const run = await call('POST', `/api/sources/${id}/run`);
    expect(run.status).toBe(202);
    expect((run.json as { jobIds: number[] }).jobIds).toHaveLength(1);
    await queue.idle();
    expect(await counts(queue.vault)).toEqual({ sms: 2, mms: 0, calls: 0 });

    const status = (await call('GET', '/api/status')).json as { alerts: unknown[]; deletedOnPhone: number; sources: { health: { lastDeliveryAt: string | null } }[] };
    expect(status.alerts).toEqual([]);
    expect(status.deletedOnPhone).toBe(0);
    expect(status.sources[0]?.health.lastDeliveryAt).not.toBeNull();
    expect((await call('GET', '/api/alerts')).json).toEqual({ items: [] });

    expect((await call('POST', '/api/sources/999/run')).status).toBe(404);
    expect((await call('DELETE', `/api/sources/${id}`)).status).toBe(204);
    expect((await call('GET', '/api/sources')).json).toEqual({ items: [] });
  });

  it('pauses a watched folder (nothing it receives is imported) and resumes it (what arrived meanwhile is)', async () => {
    const { call, queue, newFolder } = await api();
    const folder = newFolder();
    const added = await call('POST', '/api/sources', { name: 'phone', kind: 'folder', config: { path: folder, settleMs: 200 }, schedule: 'continuous' });
    const id = (added.json as { id: number }).id;
    const paused = await call('PATCH', `/api/sources/${id}`, { enabled: false });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ id, enabled: false, health: { nextRunAt: null } });
    expect((await call('GET', '/api/sources')).json).toMatchObject({ items: [{ id, enabled: false }] });
    fs.writeFileSync(path.join(folder, 'sms.xml'), sbrXml(['m1', 'm2']));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await queue.list()).items).toEqual([]);

    expect((await call('PATCH', `/api/sources/${id}`, { enabled: true })).json).toMatchObject({ enabled: true });
    for (let i = 0; i < 100 && (await queue.list()).items.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await queue.idle();
    expect(await counts(queue.vault)).toEqual({ sms: 2, mms: 0, calls: 0 });

    expect((await call('PATCH', `/api/sources/${id}`, { enabled: 'no' })).status).toBe(400);
    expect((await call('PATCH', `/api/sources/${id}`, { enabled: false, name: 'x' })).status).toBe(400);
    expect((await call('PATCH', '/api/sources/999', { enabled: false })).status).toBe(404);
  });

  it('creates a device token once, lists it without the secret, and revokes it', async () => {
    const { call, queue } = await api();
    const created = await call('POST', '/api/tokens', { name: 'Pixel 8' });
    expect(created.status).toBe(201);
    const { token, id } = created.json as { token: string; id: number };
    expect(await checkToken(queue.control.db, token)).toMatchObject({ name: 'Pixel 8' });
    const list = (await call('GET', '/api/tokens')).json as { items: Record<string, unknown>[] };
    expect(list.items).toMatchObject([{ id, name: 'Pixel 8', revokedAt: null }]);
    expect(JSON.stringify(list)).not.toContain(token);
    // An upload source cannot be "run": its device decides.
    const sources = (await call('GET', '/api/sources')).json as { items: { id: number; kind: string }[] };
    expect((await call('POST', `/api/sources/${sources.items[0]?.id ?? 0}/run`)).status).toBe(409);
    expect((await call('DELETE', `/api/tokens/${id}`)).status).toBe(204);
    expect(await checkToken(queue.control.db, token)).toBeUndefined();
  });
});
