/** The vault's record of its snapshots and what the owner is told: never, ok, overdue, failing. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSnapshotFolder } from '../../../src/vault/snapshot/folder.js';
import { recordSnapshotFailure, snapshotHealth } from '../../../src/vault/snapshot/status.js';
import { takeSnapshot } from '../../../src/vault/snapshot/take-snapshot.js';
import { useVaults } from '../../helpers/vault.js';

const vaults = useVaults();
const DAY = 86_400_000;

describe('snapshot health', () => {
  it('says never, then ok, overdue after 3 days, failing after a failed attempt, ok again after a success', async () => {
    const vault = await vaults();
    expect(snapshotHealth(vault.dir)).toMatchObject({ state: 'never', last: null, message: expect.stringContaining('No snapshot of the vault was ever taken') as unknown });
    const snaps = path.join(path.dirname(vault.dir), 'snaps');
    const now = new Date('2026-12-01T04:00:00Z');
    const first = await takeSnapshot(vault.dir, await openSnapshotFolder(snaps, { create: true }), { now });
    const ok = snapshotHealth(vault.dir, now.getTime() + DAY);
    expect(ok).toMatchObject({ state: 'ok', message: null, last: { id: first.id, to: snaps, encrypted: false } });
    expect(snapshotHealth(vault.dir, now.getTime() + 4 * DAY)).toMatchObject({
      state: 'stale',
      message: `No snapshot of the vault for 4 days: the last one was taken 2026-12-01 04:00 UTC to ${snaps}. Check the timer or cron job that runs textvault snapshot.`,
    });
    recordSnapshotFailure(vault.dir, { at: '2026-12-02T04:00:00.000Z', to: '/mnt/gone', message: 'no such folder' });
    expect(snapshotHealth(vault.dir, now.getTime() + DAY)).toMatchObject({
      state: 'failing',
      message: 'The last snapshot of the vault (to /mnt/gone, 2026-12-02 04:00 UTC) failed: no such folder. The last one that completed is from 2026-12-01 04:00 UTC.',
    });
    const later = new Date('2026-12-03T04:00:00Z');
    await takeSnapshot(vault.dir, await openSnapshotFolder(snaps), { now: later });
    expect(snapshotHealth(vault.dir, later.getTime())).toMatchObject({ state: 'ok', lastError: { to: '/mnt/gone' } });
  });
});
