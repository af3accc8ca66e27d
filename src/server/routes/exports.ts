/**
 * Exports from the web app: an export runs as a background job of the vault's queue (it can take
 * minutes for PDF), and its one file (or ZIP of files) is downloaded once the job is done.
 *
 *   POST /api/exports               { format, conversationId?, contact?, since?, until?, kinds?, csvRaw? } -> 202 { jobId }
 *   GET  /api/exports/:id/download  the file, as an attachment (410 once deleted: `exports.keep`, default 7 days)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EXPORT_FORMATS } from '../../vault/export/export-formats.js';
import { EXPORTS_DIR, type ExportJobResult } from '../../vault/jobs/index.js';
import { archiveOf } from '../auth/archive-scope.js';
import { ApiError } from '../errors.js';
import { IdParam, NewExport, type ResponseOf } from '../../api-contract/index.js';
import { printable } from '../params.js';

const CONTENT_TYPES: Record<string, string> = {
  '.zip': 'application/zip',
  '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.pdf': 'application/pdf',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

/** A download name safe in a header: printable ASCII, no quotes or path separators. */
function headerName(name: string): string {
  const clean = printable(name).replace(/[^\w.\- ]/g, '_').slice(0, 150);
  return clean === '' ? 'export' : clean;
}

function isExportResult(r: object | null): r is ExportJobResult {
  return r !== null && 'download' in r && typeof r.download === 'string' && 'downloadName' in r && typeof r.downloadName === 'string';
}

export function exportRoutes(app: FastifyInstance): void {
  // An export only reads the archive: someone it is shared with may make one.
  app.post('/api/exports', { config: { access: 'export' } }, async (request, reply) => {
    const { queue } = archiveOf(request);
    const body = NewExport.parse(request.body);
    // The contract leaves the list to the format descriptors (GET /api/formats), which the web app reads.
    const format = EXPORT_FORMATS.find((f) => f === body.format);
    if (format === undefined) throw new ApiError(400, 'bad_request', `The export format must be one of: ${EXPORT_FORMATS.join(', ')}.`);
    if (body.since !== undefined && body.until !== undefined && body.since >= body.until) throw new ApiError(400, 'bad_request', 'since must be before until');
    const job = await queue.enqueue({ kind: 'export', ...body, format });
    return reply.status(202).send({ jobId: job.id } satisfies ResponseOf<'POST /api/exports'>);
  });

  // Not compressed on the fly: a ZIP or PDF is compressed already, and Content-Length lets the browser show progress (app.ts).
  app.get('/api/exports/:id/download', { compress: false }, async (request, reply) => {
    const { id } = IdParam.parse(request.params);
    const { queue, jobVault } = archiveOf(request);
    const root = path.resolve(jobVault.dir, EXPORTS_DIR);
    const job = await queue.get(id);
    if (job?.kind !== 'export') throw new ApiError(404, 'not_found', `there is no export job ${id}`);
    if (job.status !== 'done' || !isExportResult(job.result)) throw new ApiError(409, 'conflict', `export job ${id} is ${job.status}: download it once it is done`);
    // The stored name comes from our own job row, but stays confined to the exports folder anyway.
    const file = path.resolve(root, job.result.download);
    if (!file.startsWith(root + path.sep)) throw new ApiError(404, 'not_found', `there is no export job ${id}`);
    let size: number;
    try {
      size = (await fs.promises.stat(file)).size;
    } catch {
      // Deleted after `exports.keep` (or by hand).
      throw new ApiError(410, 'gone', `export job ${id} was deleted from the server (exports are kept for a while after they are made: textvault config set exports.keep); export again`);
    }
    const name = headerName(job.result.downloadName);
    return reply
      .header('Content-Type', CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream')
      .header('Content-Length', size)
      .header('Content-Disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('X-Content-Type-Options', 'nosniff')
      // A download is the end of the exchange: closing keeps a shutdown from waiting on this socket.
      .header('Connection', 'close')
      .send(fs.createReadStream(file));
  });
}
