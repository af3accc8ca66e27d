/**
 * Uploads, verify and the job list. An upload is streamed to a file inside the vault (never held
 * in memory, any size) and handed to the job queue, which imports it in the background and
 * deletes the spooled file when the job ends.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { UPLOADS_DIR, type Job, type JobQueue } from '../../vault/jobs/index.js';
import { ApiError } from '../errors.js';
import { IdParam, Paging, printable } from '../params.js';


/** The name to show for an upload: the last path segment, printable, bounded. Never a path. */
export function uploadName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = printable(base).trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'upload' : clean;
}

const Upload = z.object({ name: z.string().max(1000).optional() });

/** A spooled upload's path in a message: the user knows the file by the name they uploaded. */
const SPOOLED = /(?:[^\s:]*[\\/])?uploads[\\/]\d+-[0-9a-f]{16}\.upload/g;

/** The API's Job: dates as epoch ms; a verify's problems as `{ kind, message }`. */
export function presentJob(job: Job): Record<string, unknown> {
  const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
  let result = job.result;
  if (job.kind === 'verify' && result !== null && 'problemList' in result) {
    const { problemList, ...rest } = result;
    result = { ...rest, problems: problemList };
  }
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    createdAt: ms(job.createdAt),
    startedAt: ms(job.startedAt),
    endedAt: ms(job.endedAt),
    progress: job.progress,
    file: job.file,
    result,
    error: job.error === null ? null : job.error.replace(SPOOLED, job.file ?? 'the upload'),
  };
}

export function jobRoutes(app: FastifyInstance, queue: JobQueue, vaultDir: string): void {
  const spool = path.join(vaultDir, UPLOADS_DIR);

  // Encapsulated so the pass-through body parser applies to the upload route only.
  void app.register((scope, _options, registered) => {
    // Hand the request stream to the route untouched: no buffering, no size limit.
    scope.addContentTypeParser('*', (_request, payload, done) => {
      done(null, payload);
    });
    scope.post('/api/uploads', { bodyLimit: Number.MAX_SAFE_INTEGER }, async (request, reply) => {
      const { name } = Upload.parse(request.query);
      const body = request.body as Readable | undefined;
      if (body === undefined || typeof body.pipe !== 'function') throw new ApiError(400, 'bad_request', 'send the file as the raw request body (Content-Type: application/octet-stream)');
      await fs.promises.mkdir(spool, { recursive: true, mode: 0o700 });
      const file = path.join(spool, `${Date.now()}-${randomBytes(8).toString('hex')}.upload`);
      try {
        await pipeline(body, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      } catch (e) {
        await fs.promises.rm(file, { force: true });
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new ApiError(507, 'insufficient_storage', "the vault's disk is full; the upload was not kept");
        throw new ApiError(400, 'upload_failed', `the upload did not complete (${e instanceof Error ? e.message : String(e)}); nothing was imported`);
      }
      const job = await queue.enqueue({ kind: 'import', file, deleteAfter: true, originalName: uploadName(name) });
      return reply.status(202).send({ jobId: job.id });
    });
    registered();
  });

  app.post('/api/verify', async (_request, reply) => {
    const job = await queue.enqueue({ kind: 'verify' });
    return reply.status(202).send({ jobId: job.id });
  });

  app.get('/api/jobs', async (request) => {
    const page = await queue.list(Paging.parse(request.query));
    return { items: page.items.map(presentJob), nextCursor: page.nextCursor };
  });

  app.get('/api/jobs/:id', async (request) => {
    const { id } = IdParam.parse(request.params);
    const job = await queue.get(id);
    if (job === undefined) throw new ApiError(404, 'not_found', `there is no job ${id}`);
    return presentJob(job);
  });
}
