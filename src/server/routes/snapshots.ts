/**
 * The vault's own snapshots, for the Backups page (vault/snapshot/status.ts):
 *
 *   GET /api/snapshots/status -> { state: 'ok' | 'never' | 'stale' | 'failing', message, last, lastError }
 */
import type { FastifyInstance } from 'fastify';
import { snapshotHealth } from '../../vault/snapshot/status.js';

export function snapshotRoutes(app: FastifyInstance, vaultDir: string): void {
  app.get('/api/snapshots/status', () => snapshotHealth(vaultDir));
}
