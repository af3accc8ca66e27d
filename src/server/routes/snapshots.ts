/**
 * The vault's own snapshots, for the Backups page and the alert banner (vault/snapshot/):
 *
 *   GET  /api/snapshots/status -> { state: 'ok' | 'never' | 'stale' | 'failing', message, last, lastError,
 *                                   scheduled, alert, canRunNow }
 *   POST /api/snapshots        -> 202 { jobId }: a snapshot now, to the folder `textvault snapshot schedule`
 *                                 set (409 when none is set: a web user never names a folder)
 */
import type { FastifyInstance } from 'fastify';
import type { ResponseOf } from '../../api-contract/index.js';
import { snapshotWatch } from '../../vault/snapshot/scheduled.js';
import { archiveOf } from '../auth/archive-scope.js';
import { ApiError } from '../errors.js';
import { presentSnapshotWatch } from '../present.js';

export function snapshotRoutes(app: FastifyInstance): void {
  app.get('/api/snapshots/status', async (request): Promise<ResponseOf<'GET /api/snapshots/status'>> =>
    presentSnapshotWatch(await snapshotWatch(archiveOf(request).vault)),
  );
  app.post('/api/snapshots', async (request, reply) => {
    const { vault, queue } = archiveOf(request);
    if (!(await snapshotWatch(vault)).canRunNow)
      throw new ApiError(409, 'conflict', 'No folder is set for snapshots: on the server, run textvault snapshot schedule daily --to DIR (or off --to DIR, to take them only when asked).');
    const job = await queue.enqueue({ kind: 'snapshot' });
    return reply.code(202).send({ jobId: job.id } satisfies ResponseOf<'POST /api/snapshots'>);
  });
}
