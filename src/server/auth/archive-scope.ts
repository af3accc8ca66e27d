/**
 * Which archive a request reads or changes (issue 23): the one its session looks at, if the
 * account still may open it (its own, or one shared with it), else its own. Decided once per
 * request by the guard; routes take the archive from here and never from anything the client
 * names, so no id, hash or job number can reach into another account's archive.
 */
import type { FastifyRequest } from 'fastify';
import type { ArchiveRuntime } from '../../sources/archive-host.js';

/**
 * What a route needs: `read` (the default of GET) the archive; `write` (the default of every
 * other method) changes it, refused on an archive shared read-only; `export` reads it but makes
 * a job (allowed on a share); `account` is about the signed-in account, no archive; `admin` is
 * for admins only (accounts, never messages).
 */
export type RouteAccess = 'read' | 'write' | 'export' | 'account' | 'admin';

export interface ArchiveScope extends ArchiveRuntime {
  readOnly: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    archive: ArchiveScope | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export class NoArchiveError extends Error {
  override readonly name = 'NoArchiveError';
}

/** The request's archive; the guard set it for every route that is not public, account or admin. */
export function archiveOf(request: FastifyRequest): ArchiveScope {
  if (request.archive === null) throw new NoArchiveError(`route ${request.routeOptions.url ?? request.url} reached without an archive: mark it access 'read' or 'write'`);
  return request.archive;
}
