/**
 * Who is asking: every /api request except the routes marked public needs a live session, and
 * every state-changing one also the session's CSRF token in `X-CSRF-Token` (double submit: the
 * token is readable by the app's own script only, via GET /api/session or the tv_csrf cookie).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ArchiveHost } from '../../sources/archive-host.js';
import { findSession, type Session } from '../../vault/auth/sessions.js';
import { pickArchive } from '../../vault/household/archives.js';
import { errorBody } from '../errors.js';
import type { RouteAccess } from './archive-scope.js';

export const SESSION_COOKIE = 'tv_session';
export const CSRF_COOKIE = 'tv_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a session (health, setup, login). */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request is for the API. Decided by the route it matched, not by the raw URL: the
 * router decodes the path, so `/%61pi/conversations` reaches the `/api/conversations` route while
 * its raw URL does not start with `/api`. Unmatched requests (404) are judged by the decoded path.
 */
function isApiRequest(request: FastifyRequest): boolean {
  const raw = request.url.split('?')[0] ?? '';
  let path = request.routeOptions.url ?? raw;
  if (request.routeOptions.url === undefined) {
    try {
      path = decodeURIComponent(raw);
    } catch {
      // Malformed escapes: judge the raw path.
    }
  }
  const lower = path.toLowerCase();
  return lower === '/api' || lower.startsWith('/api/');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function installGuard(app: FastifyInstance, host: ArchiveHost, sessionTtlMs: number): void {
  const control = host.accounts;
  app.decorateRequest('session', null);
  app.decorateRequest('archive', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Everything outside /api is the single-page app's static files: public by design.
    if (!isApiRequest(request)) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token !== undefined && token !== '') request.session = (await findSession(control, token, sessionTtlMs)) ?? null;
    if (request.routeOptions.config.public === true) return;
    if (request.session === null) return reply.status(401).send(errorBody('unauthenticated', 'log in first'));
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, request.session.csrfToken))
        return reply.status(403).send(errorBody('csrf', 'missing or wrong X-CSRF-Token header: reload the page and try again'));
    }
    const session = request.session;
    const access: RouteAccess = request.routeOptions.config.access ?? (SAFE_METHODS.has(request.method) ? 'read' : 'write');
    if (access === 'account') return;
    if (access === 'admin') {
      if (session.user.role !== 'admin') return reply.status(403).send(errorBody('admin_only', 'only an admin may manage accounts: ask the admin of this server'));
      return;
    }
    const picked = await pickArchive(control, host.homeDir, session.user.id, session.archiveId);
    if (picked === undefined) return reply.status(403).send(errorBody('no_archive', 'this account has no archive: ask the admin of this server'));
    if (access === 'write' && picked.readOnly)
      return reply
        .status(403)
        .send(errorBody('read_only', `${picked.ownerName ?? 'Its owner'} shares this archive with you read-only: you can browse, search and export it, not change it. Switch to your own archive to import.`));
    request.archive = { ...(await host.get(picked)), readOnly: picked.readOnly };
  });
}
