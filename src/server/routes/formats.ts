/**
 * The formats the web app lists, from the format descriptors (src/formats/formats.ts), so that
 * the Export page and the Backups page offer what this server reads and writes:
 *
 *   GET /api/formats -> { imports: [{ id, label, carries }], exports: [{ id, label }] }
 *
 * `imports`: what an uploaded file may be (the format is detected from its content); `exports`:
 * the formats an export job writes (files to download; the IMAP writer is the command line's).
 */
import type { FastifyInstance } from 'fastify';
import type { ResponseOf } from '../../api-contract/index.js';
import { READABLE, WRITERS } from '../../formats/formats.js';

export function formatRoutes(app: FastifyInstance): void {
  const body: ResponseOf<'GET /api/formats'> = {
    imports: READABLE.map((f) => ({ id: f.id, label: f.label, carries: [...f.carries] })),
    exports: WRITERS.filter((w) => w.target === 'files').map((w) => ({ id: w.id, label: w.label })),
  };
  app.get('/api/formats', () => body);
}
