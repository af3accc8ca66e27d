/**
 * Sources, device tokens, alerts and vault health for the web app (behind the session login,
 * like every /api route but the ingest ones):
 *
 *   GET    /api/status            { alerts, sources, deletedOnPhone, rejectedFiles }: the banner and the Sources page
 *   GET    /api/alerts            { items: Alert[] }
 *   GET    /api/sources           { items: Source[] }
 *   POST   /api/sources           { name, kind: "folder"|"imap", config, schedule?, expectedIntervalMs? } -> 201 Source
 *                                  folder config { path, settleMs?, afterImport? }: path inside the admin's allowed folders
 *                                  imap config { url, password, security?, insecure?, callsFolder? }: the password is
 *                                  sealed and never returned; passwordFile/passwordEnv/caFile are refused (400, CLI only)
 *   GET    /api/sources/allowed-folders  { items: string[] }: where folder sources may be added (sources.allowed-folders)
 *   PATCH  /api/sources/:id       { enabled?: boolean, password?: string } -> Source (false pauses it: not watched or
 *                                  polled, uploads refused, no alerts; password: an IMAP source's new password)
 *   DELETE /api/sources/:id       -> 204 (what it imported stays)
 *   POST   /api/sources/:id/run   -> 202 { jobIds }
 *   GET    /api/tokens            { items: ApiToken[] } (never the tokens)
 *   POST   /api/tokens            { name } -> 201 { token, ...ApiToken } (the token is shown this once)
 *   DELETE /api/tokens/:id        -> 204
 *
 * Each request works on its archive's running SourceService (auth/archive-scope.ts), which owns
 * the archive's job queue.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SourceUnavailableError } from '../../sources/source-service.js';
import { listSources, removeSource, setSourceEnabled, SourceNotFoundError } from '../../vault/sources/registry.js';
import { SourceConfigError } from '../../vault/sources/source-options.js';
import { addWebSource, allowedFolders, setWebSourcePassword } from '../../vault/sources/web-sources.js';
import { createToken, listTokens, revokeToken } from '../../vault/sources/tokens.js';
import { IdParam, NewSource, NewToken, SourceChange, type ResponseOf } from '../../api-contract/index.js';
import { archiveOf, type ArchiveScope } from '../auth/archive-scope.js';
import { presentAlert, presentRejectedFile, presentSource, presentToken } from '../present.js';

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}

/** The request's archive: its source service, control database (sources, tokens) and vault (job side). */
function sourcesOf(request: FastifyRequest): { service: ArchiveScope['sources']; db: ArchiveScope['queue']['control']['db']; vault: ArchiveScope['jobVault'] } {
  const { sources, queue, jobVault } = archiveOf(request);
  return { service: sources, db: queue.control.db, vault: jobVault };
}

export function sourceRoutes(app: FastifyInstance): Promise<void> {
  // Errors of these routes in the API's one shape; anything unexpected stays a 500 for the server's handler.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof z.ZodError) return fail(reply, 400, 'bad_request', error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (error instanceof SourceConfigError) return fail(reply, 400, 'bad_request', error.message);
    if (error instanceof SourceUnavailableError) return fail(reply, 409, 'conflict', error.message);
    if (error instanceof SourceNotFoundError) return fail(reply, 404, 'not_found', error.message);
    throw error;
  });

  app.get('/api/status', async (request): Promise<ResponseOf<'GET /api/status'>> => {
    const { service } = sourcesOf(request);
    const s = await service.status();
    return { alerts: s.alerts.map(presentAlert), sources: s.sources.map(presentSource), deletedOnPhone: s.deletedOnPhone, rejectedFiles: s.rejectedFiles.map(presentRejectedFile) };
  });
  app.get('/api/alerts', async (request): Promise<ResponseOf<'GET /api/alerts'>> => ({ items: (await sourcesOf(request).service.alerts()).map(presentAlert) }));
  app.get('/api/sources', async (request): Promise<ResponseOf<'GET /api/sources'>> => ({ items: (await listSources(sourcesOf(request).db)).map(presentSource) }));
  app.post('/api/sources', async (request, reply) => {
    const { service, db, vault } = sourcesOf(request);
    const body = NewSource.parse(request.body);
    const source = await addWebSource(vault, db, body);
    await service.reload();
    return reply.status(201).send(presentSource(source) satisfies ResponseOf<'POST /api/sources'>);
  });
  app.get('/api/sources/allowed-folders', async (request): Promise<ResponseOf<'GET /api/sources/allowed-folders'>> => ({ items: await allowedFolders(sourcesOf(request).vault) }));
  app.patch('/api/sources/:id', async (request): Promise<ResponseOf<'PATCH /api/sources/:id'>> => {
    const { service, db, vault } = sourcesOf(request);
    const { id } = IdParam.parse(request.params);
    const { enabled, password } = SourceChange.parse(request.body);
    let source = password === undefined ? undefined : await setWebSourcePassword(vault, db, id, password);
    if (enabled !== undefined) source = await setSourceEnabled(db, id, enabled);
    await service.reload();
    // The schema refuses a change with neither field, so one of them set the source.
    if (source === undefined) throw new Error('a source change set neither enabled nor password');
    return presentSource(source);
  });
  app.delete('/api/sources/:id', async (request, reply) => {
    const { service, db } = sourcesOf(request);
    const { id } = IdParam.parse(request.params);
    await removeSource(db, id);
    await service.reload();
    return reply.status(204).send();
  });
  app.post('/api/sources/:id/run', async (request, reply) => {
    const { service } = sourcesOf(request);
    const { id } = IdParam.parse(request.params);
    const jobs = await service.runNow(id);
    return reply.status(202).send({ jobIds: jobs.map((j) => j.id) } satisfies ResponseOf<'POST /api/sources/:id/run'>);
  });
  app.get('/api/tokens', async (request): Promise<ResponseOf<'GET /api/tokens'>> => ({ items: (await listTokens(sourcesOf(request).db)).map(presentToken) }));
  app.post('/api/tokens', async (request, reply) => {
    const { db } = sourcesOf(request);
    const { name } = NewToken.parse(request.body);
    const { token, record } = await createToken(db, name);
    return reply.status(201).send({ ...presentToken(record), token } satisfies ResponseOf<'POST /api/tokens'>);
  });
  app.delete('/api/tokens/:id', async (request, reply) => {
    const { db } = sourcesOf(request);
    const { id } = IdParam.parse(request.params);
    await revokeToken(db, String(id));
    return reply.status(204).send();
  });
  return Promise.resolve();
}
