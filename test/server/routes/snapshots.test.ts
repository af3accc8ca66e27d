/**
 * The vault's own snapshots over the API: GET /api/snapshots/status (the Backups page and the
 * banner) and POST /api/snapshots ("Snapshot now"), behind the login.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSnapshotFolder } from '../../../src/vault/snapshot/folder.js';
import { takeSnapshot } from '../../../src/vault/snapshot/take-snapshot.js';
import { cli } from '../../helpers/cli.js';
import { writeBackup } from '../../helpers/sbr-xml.js';
import { Client, ownerClient, startServer, waitForJob } from '../harness.js';

describe('GET /api/snapshots/status', () => {
  it('says no snapshot was taken, then the last one, to signed-in users only', async () => {
    const server = await startServer({ files: [] });
    expect((await new Client(server.url).get('/api/snapshots/status')).status).toBe(401);
    const client = await ownerClient(server);
    expect(await client.json('/api/snapshots/status')).toMatchObject({ state: 'never', last: null, scheduled: false, alert: null, canRunNow: false });
    // Taken by another process while the server runs (cron), as in real use.
    const snaps = path.join(path.dirname(server.dir), 'snaps');
    const { id } = await takeSnapshot(server.dir, await openSnapshotFolder(snaps, { create: true }));
    expect(await client.json('/api/snapshots/status')).toMatchObject({ state: 'ok', message: null, last: { id, to: snaps, encrypted: false } });
  });

  it('raises an alert only for scheduled snapshots that fail or are overdue', async () => {
    const server = await startServer({ files: [] });
    const client = await ownerClient(server);
    // A folder that cannot be created: the snapshot fails (recorded), as a full or unmounted drive would.
    const blocker = path.join(path.dirname(server.dir), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    expect(cli(['--vault', server.dir, 'snapshot', 'schedule', 'off', '--to', path.join(blocker, 'snaps')]).code).toBe(0);
    const started = await client.request('POST', '/api/snapshots');
    const { jobId } = (await started.json()) as { jobId: number };
    expect((await waitForJob(client, jobId)).status).toBe('failed');
    const unscheduled = await client.json<{ state: string; alert: string | null }>('/api/snapshots/status');
    expect(unscheduled).toMatchObject({ state: 'failing', alert: null });

    expect(cli(['--vault', server.dir, 'snapshot', 'schedule', 'daily']).code).toBe(0);
    const scheduled = await client.json<{ state: string; scheduled: boolean; alert: string | null }>('/api/snapshots/status');
    expect(scheduled.scheduled).toBe(true);
    expect(scheduled.alert).toMatch(/^The last snapshot of the vault \(to .*a-file\/snaps, .*\) failed: /);
  });
});

describe('POST /api/snapshots', () => {
  it('takes a snapshot as a job to the folder the owner set on the server, and refuses when none is set', async () => {
    const server = await startServer({ files: [writeBackup([{ address: '+15550000001', date: Date.UTC(2024, 0, 1), body: 'Synthetic snapshot note 4b1e' }])] });
    expect((await new Client(server.url).request('POST', '/api/snapshots')).status).toBe(401);
    const client = await ownerClient(server);
    const refused = await client.request('POST', '/api/snapshots');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^No folder is set for snapshots: on the server, run textvault snapshot schedule daily --to DIR/);

    const snaps = path.join(path.dirname(server.dir), 'snaps');
    expect(cli(['--vault', server.dir, 'snapshot', 'schedule', 'off', '--to', snaps]).code).toBe(0);
    expect(await client.json('/api/snapshots/status')).toMatchObject({ canRunNow: true, scheduled: false });
    const res = await client.request('POST', '/api/snapshots');
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: number };
    const job = await waitForJob(client, jobId);
    expect(job).toMatchObject({ status: 'done', error: null });
    expect(job.result).toMatchObject({ counts: { messages: 1 } });
    const status = await client.json<{ state: string; last: { id: string; to: string } | null }>('/api/snapshots/status');
    expect(status).toMatchObject({ state: 'ok', last: { id: job.result?.id, to: snaps } });
    // A real snapshot: the command line lists and verifies it.
    const verified = cli(['snapshot', 'verify', '--from', snaps]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });
});
