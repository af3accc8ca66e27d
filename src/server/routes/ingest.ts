/**
 * The upload endpoint phones and sync apps send their backups to, with a per-device API token
 * (`textvault token create --name "Pixel 8"`), separate from the web app's session login:
 *
 *   PUT  /api/ingest/:filename          raw body (curl -T, Tasker, any app that can HTTP PUT)
 *   POST /api/ingest                    multipart/form-data, one or more file fields
 *   GET  /api/ingest/jobs/:id           the status of a job this device's upload started
 *   Authorization: Bearer <token>
 *
 * The body is streamed to a spool file in the vault (never held in memory) and imported by the
 * job queue, which deletes the spool file when the job ends. The response (202) gives the job id
 * and a status URL. A body over the configured maximum is refused with 413: at once when its
 * Content-Length says so, otherwise as soon as the byte count passes the limit (the partial
 * file is deleted), so an upload can never fill the disk beyond that limit.
 *
 * Register it with a lookup from token to archive (the server's looks in every archive of the
 * household, buildServer); for one queue:
 *   await app.register(ingestRoutes, { device: (t) => deviceIn(queue, spoolDir, maxBytes, t) });
 * Its routes are marked `config.public` (see auth/guard.ts) because they do their own (token)
 * authentication: no session cookie, no CSRF header.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseByteSize } from '../../vault/config.js';
import type { Job, JobQueue } from '../../vault/jobs/index.js';
import { checkToken, type TokenOwner } from '../../vault/sources/tokens.js';
import type { Vault } from '../../vault/vault.js';
import type { IngestAccepted, ResponseOf } from '../../api-contract/index.js';
import { presentJob } from '../present.js';
import { allowSlowBody } from '../timeouts.js';
import { ApiError } from '../errors.js';
import { checkDeclaredSize, declaredLength, spoolBody, spoolFailure, TooLargeError } from './spool.js';

export const DEFAULT_INGEST_MAX_BYTES = 8 * 1024 ** 3;

/** The archive a device token belongs to, and where its uploads go. */
export interface IngestTarget {
  owner: TokenOwner;
  queue: JobQueue;
  /** Where uploads are written until their import job ends (created when missing). */
  spoolDir: string;
  /** Largest upload accepted, in bytes (read per request, so a setting change applies at once). */
  maxBytes: () => Promise<number>;
}

export interface IngestOptions {
  /** The device a token belongs to (in whichever archive holds it), or undefined for an unknown or refused token. */
  device: (token: string) => Promise<IngestTarget | undefined>;
}

/** The lookup for one archive's queue (tests, and the base of the server's household-wide one). */
export async function deviceIn(queue: JobQueue, spoolDir: string, maxBytes: () => Promise<number>, token: string): Promise<IngestTarget | undefined> {
  const owner = await checkToken(queue.control.db, token);
  return owner === undefined ? undefined : { owner, queue, spoolDir, maxBytes };
}

/** The vault's `ingest.max-size` setting, or 8 GiB. */
export async function ingestMaxBytes(vault: Vault): Promise<number> {
  const v = await vault.config.get('ingest.max-size');
  return v === undefined ? DEFAULT_INGEST_MAX_BYTES : parseByteSize(v);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The device whose token authenticated an ingest request, and its archive. */
    ingestDevice?: IngestTarget;
  }
}

/** The name to show for an upload: its last path segment, printable, bounded. Never used as a path. */
export function displayName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // Control characters and bidi overrides would let a name pretend to be another one.
  const clean = Array.from(base)
    .filter((c) => {
      const n = c.codePointAt(0) ?? 0;
      return !(n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x200e || n === 0x200f || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069));
    })
    .join('')
    .trim()
    .slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'upload' : clean;
}

function problem(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

const SETTING = 'ingest.max-size';

export async function ingestRoutes(app: FastifyInstance, options: IngestOptions): Promise<void> {

  /** Token check and size pre-check, before a byte of the body is read. */
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearer(request);
    const target = token === undefined ? undefined : await options.device(token);
    if (target === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="textvault ingest"').header('connection', 'close');
      await problem(reply, 401, 'unauthenticated', token === undefined ? 'send the device token as "Authorization: Bearer <token>" (textvault token create --name NAME)' : 'this token is unknown or revoked');
      return;
    }
    request.ingestDevice = target;
    const { owner } = target;
    if (request.method === 'GET') return;
    if (!owner.sourceEnabled) {
      void reply.header('connection', 'close');
      await problem(reply, 403, 'source_paused', `uploads from "${owner.name}" are paused; nothing was kept. Resume them on the Sources page or with: textvault source enable "${owner.name}"`);
      return;
    }
    // The same rule as the web app's uploads (spool.ts): refused before the body is read when it
    // is over the limit or would leave the disk too full for the import after it.
    try {
      await checkDeclaredSize(declaredLength(request.headers['content-length']), await target.maxBytes(), target.spoolDir, SETTING);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Closing the connection: the client should not send the body we will not read.
      void reply.header('connection', 'close');
      await problem(reply, e.status, e.code, e.message);
    }
  };

  const accepted = async (device: IngestTarget, file: string, name: string): Promise<Job> =>
    device.queue.enqueue({ kind: 'import', file, deleteAfter: true, sourceId: device.owner.sourceId, originalName: name });

  const answer = (j: Job): IngestAccepted => ({
    jobId: j.id,
    status: j.status,
    statusUrl: `/api/ingest/jobs/${j.id}`,
    file: j.file,
  });

  const failUpload = (reply: FastifyReply, e: unknown, limit: number): FastifyReply => {
    const tooBig = e instanceof TooLargeError || (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
    // The rest of a body too large is not read: the client should stop sending it.
    if (tooBig) void reply.header('connection', 'close');
    const failure = spoolFailure(tooBig ? new TooLargeError() : e, limit, SETTING);
    return problem(reply, failure.status, failure.code, failure.message);
  };

  const device = (request: FastifyRequest): IngestTarget => {
    if (request.ingestDevice === undefined) throw new Error('ingest route reached without a device token');
    return request.ingestDevice;
  };

  // Raw PUT: the body stream goes to the route untouched (no buffering, no body limit of Fastify's).
  await app.register((scope, _o, registered) => {
    // Every type, JSON included (a Fossify backup is JSON): never buffered by a body parser.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => {
      done(null, payload);
    });
    scope.put<{ Params: { filename: string } }>(
      '/api/ingest/:filename',
      { bodyLimit: Number.MAX_SAFE_INTEGER, config: { public: true }, onRequest: guard },
      async (request, reply) => {
        const target = device(request);
        const limit = await target.maxBytes();
        // The device's token is good and the size fits: the upload may take as long as it keeps moving.
        allowSlowBody(request);
        const body = request.body as Readable | undefined;
        if (body === undefined || typeof body.pipe !== 'function') return problem(reply, 400, 'bad_request', 'send the backup file as the request body (curl -T FILE ...)');
        let file: string;
        try {
          file = await spoolBody(body, target.spoolDir, limit);
        } catch (e) {
          return failUpload(reply, e, limit);
        }
        const job = await accepted(target, file, displayName(request.params.filename));
        return reply.status(202).send(answer(job) satisfies ResponseOf<'PUT /api/ingest/:filename'>);
      },
    );
    registered();
  });

  // Multipart POST (browser forms, shortcuts apps): every file part becomes one job.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: { fileSize: Number.MAX_SAFE_INTEGER, files: 20, fields: 20 } });
    scope.post('/api/ingest', { config: { public: true }, onRequest: guard }, async (request, reply) => {
      const target = device(request);
      const limit = await target.maxBytes();
      if (!request.isMultipart()) return problem(reply, 415, 'unsupported_media_type', 'send multipart/form-data with the backup as a file field, or PUT the file to /api/ingest/FILENAME');
      allowSlowBody(request);
      const counted = { n: 0 };
      const spooled: { file: string; name: string }[] = [];
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') continue;
          spooled.push({ file: await spoolBody(part.file, target.spoolDir, limit, counted), name: displayName(part.filename) });
        }
      } catch (e) {
        // All or nothing: a request that fails part-way keeps none of its files.
        for (const s of spooled) await fs.promises.rm(s.file, { force: true });
        return failUpload(reply, e, limit);
      }
      if (spooled.length === 0) return problem(reply, 400, 'bad_request', 'the form has no file field: attach the backup file');
      const jobs: Job[] = [];
      for (const s of spooled) jobs.push(await accepted(target, s.file, s.name));
      const first = jobs[0];
      if (first === undefined) return problem(reply, 400, 'bad_request', 'no file');
      return reply.status(202).send({ ...answer(first), jobs: jobs.map(answer) } satisfies ResponseOf<'POST /api/ingest'>);
    });
  });

  app.get<{ Params: { id: string } }>('/api/ingest/jobs/:id', { config: { public: true }, onRequest: guard }, async (request, reply) => {
    const id = Number(request.params.id);
    const target = device(request);
    const job = Number.isSafeInteger(id) ? await target.queue.get(id) : undefined;
    // A device sees only the jobs its own uploads started.
    if (job?.sourceId !== target.owner.sourceId) return problem(reply, 404, 'not_found', `no job ${request.params.id} from this device`);
    return reply.send(presentJob(job) satisfies ResponseOf<'GET /api/ingest/jobs/:id'>);
  });
}
