/** GET /api/snapshots/status: the Backups page's view of the vault's own snapshots, behind the login. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSnapshotFolder } from '../../../src/vault/snapshot/folder.js';
import { takeSnapshot } from '../../../src/vault/snapshot/take-snapshot.js';
import { Client, ownerClient, startServer } from '../harness.js';

describe('GET /api/snapshots/status', () => {
  it('says no snapshot was taken, then the last one, to signed-in users only', async () => {
    const server = await startServer({ files: [] });
    expect((await new Client(server.url).get('/api/snapshots/status')).status).toBe(401);
    const client = await ownerClient(server);
    expect(await client.json('/api/snapshots/status')).toMatchObject({ state: 'never', last: null });
    // Taken by another process while the server runs (cron), as in real use.
    const snaps = path.join(path.dirname(server.dir), 'snaps');
    const { id } = await takeSnapshot(server.dir, await openSnapshotFolder(snaps, { create: true }));
    expect(await client.json('/api/snapshots/status')).toMatchObject({ state: 'ok', message: null, last: { id, to: snaps, encrypted: false } });
  });
});
