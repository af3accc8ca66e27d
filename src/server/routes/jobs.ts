/**
 * Uploads, verify and the job list. An upload is streamed to a file inside the vault (never held
 * in memory, any size) and handed to the job queue, which imports it in the background and
 * deletes the spooled file when the job ends.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { UPLOADS_DIR } from '../../vault/jobs/index.js';
import type { Vault } from '../../vault/vault.js';
import { archiveOf } from '../auth/archive-scope.js';
import { ApiError } from '../errors.js';
import { IdParam, JobPassphrase, Paging, UploadQuery, type ResponseOf } from '../../api-contract/index.js';
import { printable } from '../params.js';
import { presentJob } from '../present.js';
import { allowSlowBody } from '../timeouts.js';
import { checkDeclaredSize, declaredLength, spoolBody, spoolFailure } from './spool.js';

/** The name to show for an upload: the last path segment, printable, bounded. Never a path. */
export function uploadName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = printable(base).trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'upload' : clean;
}

/** An interrupted upload's job error: what happened, how much arrived, what to do. */
function interruptedText(name: string, received: number): string {
  return (
    `the upload of ${name} was interrupted after ${received.toLocaleString('en-US')} bytes: the connection closed or stalled ` +
    '(the page was closed or reloaded, the upload cancelled, or the network dropped); nothing was kept: upload the file again'
  );
}

/** The passphrase header of an upload: percent-encoded UTF-8 (a header value is bytes, a passphrase any text). */
export const PASSPHRASE_HEADER = 'x-backup-passphrase';

function passphraseOf(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ApiError(400, 'bad_request', 'The passphrase header is not percent-encoded UTF-8: encode it with encodeURIComponent.');
  }
}

export function jobRoutes(app: FastifyInstance, maxUploadBytes: (vault: Vault) => Promise<number>): void {

  // Encapsulated so the pass-through body parser applies to the upload route only.
  void app.register((scope, _options, registered) => {
    // Hand the request stream to the route untouched, whatever its type (JSON included): no
    // buffering; the route applies uploads.max-size itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => {
      done(null, payload);
    });
    // Size and free space are checked before the body is read (preValidation runs after the
    // pass-through parser, which reads nothing); a refusal closes the connection so the client
    // stops sending what will not be read.
    scope.post('/api/uploads', { bodyLimit: Number.MAX_SAFE_INTEGER }, async (request, reply) => {
      const { name } = UploadQuery.parse(request.query);
      const { queue, jobVault } = archiveOf(request);
      const spool = path.join(jobVault.dir, UPLOADS_DIR);
      // An encrypted backup's passphrase, for this job only: sealed until the job ends, never logged.
      const passphrase = passphraseOf(request.headers[PASSPHRASE_HEADER]);
      const body = request.body as Readable | undefined;
      if (body === undefined || typeof body.pipe !== 'function') throw new ApiError(400, 'bad_request', 'send the file as the raw request body (Content-Type: application/octet-stream)');
      const limit = await maxUploadBytes(jobVault);
      try {
        await checkDeclaredSize(declaredLength(request.headers['content-length']), limit, spool, 'uploads.max-size');
      } catch (e) {
        void reply.header('Connection', 'close');
        throw e;
      }
      // Signed in and within the limits: the upload may take as long as it keeps moving.
      allowSlowBody(request);
      let file: string;
      const received = { n: 0 };
      try {
        file = await spoolBody(body, spool, limit, received);
      } catch (e) {
        void reply.header('Connection', 'close');
        const failure = spoolFailure(e, limit, 'uploads.max-size');
        // Cut off: the client is likely gone (a closed or reloaded page) and never reads this
        // answer, so the job list keeps the trace (issue 26 item 4). A refusal (too large, disk
        // full) is answered to a client still there, and leaves no job, as before.
        if (failure.code === 'upload_failed') {
          try {
            await queue.recordFailedUpload({
              originalName: uploadName(name),
              receivedBytes: received.n,
              declaredBytes: declaredLength(request.headers['content-length']),
              error: interruptedText(uploadName(name), received.n),
            });
          } catch (recordError) {
            // The trace is a courtesy: the upload's own failure is still answered and logged.
            request.log.warn({ err: recordError }, 'could not record the interrupted upload in the job list');
          }
        }
        throw failure;
      }
      const job = await queue.enqueue({ kind: 'import', file, deleteAfter: true, originalName: uploadName(name) }, passphrase === undefined ? {} : { passphrase });
      return reply.status(202).send({ jobId: job.id } satisfies ResponseOf<'POST /api/uploads'>);
    });
    registered();
  });

  app.post('/api/verify', async (request, reply) => {
    const { queue } = archiveOf(request);
    const job = await queue.enqueue({ kind: 'verify' });
    return reply.status(202).send({ jobId: job.id } satisfies ResponseOf<'POST /api/verify'>);
  });

  app.get('/api/jobs', async (request): Promise<ResponseOf<'GET /api/jobs'>> => {
    const { queue } = archiveOf(request);
    const page = await queue.list(Paging.parse(request.query));
    return { items: page.items.map(presentJob), nextCursor: page.nextCursor };
  });

  app.get('/api/jobs/:id', async (request): Promise<ResponseOf<'GET /api/jobs/:id'>> => {
    const { id } = IdParam.parse(request.params);
    const { queue } = archiveOf(request);
    const job = await queue.get(id);
    if (job === undefined) throw new ApiError(404, 'not_found', `There is no job ${id}: it may have been removed; the Backups page lists the jobs there are.`);
    return presentJob(job);
  });

  // 200 with the cancelled job, or 202 while a job another process runs is still stopping.
  app.post('/api/jobs/:id/cancel', async (request, reply) => {
    const { id } = IdParam.parse(request.params);
    const { queue } = archiveOf(request);
    const job = await queue.cancel(id);
    return reply.status(job.status === 'running' ? 202 : 200).send(presentJob(job) satisfies ResponseOf<'POST /api/jobs/:id/cancel'>);
  });

  app.post('/api/jobs/:id/retry', async (request): Promise<ResponseOf<'POST /api/jobs/:id/retry'>> => {
    const { id } = IdParam.parse(request.params);
    return presentJob(await archiveOf(request).queue.retry(id));
  });

  // An encrypted backup's password, after its import failed asking for it: the job runs again
  // with it (sealed until the job ends; never in the answer, the job's error or a log).
  app.post('/api/jobs/:id/passphrase', async (request): Promise<ResponseOf<'POST /api/jobs/:id/passphrase'>> => {
    const { id } = IdParam.parse(request.params);
    const { passphrase } = JobPassphrase.parse(request.body);
    return presentJob(await archiveOf(request).queue.retryWithPassphrase(id, passphrase));
  });
}
