/**
 * The HTTP server: the JSON API (docs/api.md) and the built web app. A factory, so tests can run
 * the real thing on a real socket (listen on port 0) against a real vault.
 */
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCompress from '@fastify/compress';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ResponseOf } from '../api-contract/index.js';
import { DEFAULT_SESSION_TTL_MS } from '../vault/auth/sessions.js';
import type { ArchiveHost } from '../sources/archive-host.js';
import { activeArchives } from '../vault/household/archives.js';
import { UPLOADS_DIR } from '../vault/jobs/index.js';
import { accountRoutes } from './auth/account-routes.js';
import type { RouteAccess } from './auth/archive-scope.js';
import { installGuard } from './auth/guard.js';
import { oidcRoutes } from './auth/oidc-routes.js';
import { authRoutes } from './auth/routes.js';
import { limitConnectionsPerAddress } from './connection-limit.js';
import { clientErrorHandler, errorHandler, frameworkErrorHandler } from './errors.js';
import { installHostCheck } from './host-check.js';
import { DEFAULT_LIMITS, uploadMaxBytes, type ServerLimits } from './limits.js';
import { archiveRoutes } from './routes/archive.js';
import { deviceIn, ingestMaxBytes, ingestRoutes, type IngestTarget } from './routes/ingest.js';
import { exportRoutes } from './routes/exports.js';
import { formatRoutes } from './routes/formats.js';
import { galleryRoutes } from './routes/gallery.js';
import { jobRoutes } from './routes/jobs.js';
import { mediaRoutes } from './routes/media.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { sourceRoutes } from './routes/sources.js';
import { securityHeaders } from './security-headers.js';
import { staticApp } from './static.js';
import { installBodyDeadline } from './timeouts.js';

export const VERSION = '0.1.0';

export interface ServerOptions {
  /**
   * Every archive of the household, open: each request works on its session's archive
   * (auth/archive-scope.ts); the home archive's control database holds the accounts.
   */
  host: ArchiveHost;
  /** The built web app (dist/web); omitted or missing: API only. */
  webRoot?: string;
  /** One-time token for creating the first account; null when an account exists. */
  setupToken: string | null;
  /** A pino logger configuration, or false (tests). */
  logger?: FastifyServerOptions['logger'];
  sessionTtlMs?: number;
  loginRateLimit?: { max: number; windowMs: number };
  secureCookies?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (for client addresses in rate limiting). */
  trustProxy?: boolean;
  /** Time and connection limits, accepted host names (limits.ts; default DEFAULT_LIMITS, no extra names). */
  limits?: ServerLimits;
}

export interface RouteInfo {
  method: string;
  url: string;
  public: boolean;
  /** What the route needs of the session's archive (auth/archive-scope.ts); unset: by its method. */
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered (collected by an onRoute hook), for the auth coverage test. */
    registeredRoutes: RouteInfo[];
  }
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const limits = options.limits ?? { ...DEFAULT_LIMITS, hosts: [] };
  const app = Fastify({
    logger: options.logger ?? false,
    // Request lines would put search words and contact numbers in the log: log failures only.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    // Closing the server ends every connection, busy or idle: a client that stopped reading a
    // response (or a browser's keep-alive) must not hold up shutdown.
    forceCloseConnections: true,
    // Slow clients (timeouts.ts): headers within the request timeout (Node checks every
    // connectionsCheckingInterval), bodies by installBodyDeadline, silence by connectionTimeout.
    // Node's own requestTimeout stays off: it would cut multi-hour uploads.
    http: {
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
    },
    requestTimeout: 0,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  app.server.maxConnections = limits.maxConnections;
  limitConnectionsPerAddress(app.server, limits.maxConnectionsPerAddress);
  const routes: RouteInfo[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, public: route.config?.public === true, access: route.config?.access });
  });
  const { host } = options;
  const control = host.accounts;
  const sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;

  app.setErrorHandler(errorHandler);
  // First of all hooks: the clock starts, and a request for a foreign host stops, before
  // anything else (the session lookup included) runs.
  installBodyDeadline(app, limits.requestTimeoutMs);
  installHostCheck(app, limits.hosts);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  // JSON and the app's own files (JS, CSS, HTML, SVG) over 1 KiB go out with br or gzip (brotli at
  // quality 4: fast enough for every response). Only types that compress (mime-db) are; media and
  // export downloads opt out on their routes. Bodies sent to the server are never decompressed:
  // an upload's bytes are limited as they arrive, and a gzip body would slip past that limit.
  // Payloads up to 64 KiB are compressed in one synchronous call: on 2 cores the plugin's default
  // (8 KiB) sent a 29 KB gallery page through a zlib stream, 2.4 ms of CPU against 0.2 ms (BENCHMARKS.md).
  await app.register(fastifyCompress, { globalDecompression: false, threshold: 1024, encodings: ['br', 'gzip', 'deflate'], syncThreshold: 64 * 1024 });
  securityHeaders(app);
  installGuard(app, host, sessionTtlMs);

  app.get('/api/health', { config: { public: true } }, (): ResponseOf<'GET /api/health'> => ({ ok: true, version: VERSION }));
  const loginRateLimit = options.loginRateLimit ?? { max: 10, windowMs: 60_000 };
  authRoutes(app, { control, config: host.home.vault.config, sessionTtlMs, setupToken: options.setupToken, loginRateLimit, secureCookies: options.secureCookies ?? false });
  oidcRoutes(app, {
    control,
    config: host.home.vault.config,
    sessionTtlMs,
    secureCookies: options.secureCookies ?? false,
    rateLimit: { max: 3 * loginRateLimit.max, timeWindow: loginRateLimit.windowMs },
  });
  accountRoutes(app, host);
  archiveRoutes(app);
  galleryRoutes(app);
  mediaRoutes(app);
  jobRoutes(app, uploadMaxBytes);
  exportRoutes(app);
  formatRoutes(app);
  snapshotRoutes(app);
  // Phones and sync apps upload here with a device token instead of a session (docs/sources.md):
  // the token names its archive (tokens are random, so at most one archive holds it); an archive
  // whose owner is disabled takes none.
  const device = async (token: string): Promise<IngestTarget | undefined> => {
    for (const archive of await activeArchives(control, host.homeDir)) {
      const r = await host.get(archive);
      const found = await deviceIn(r.queue, path.join(r.jobVault.dir, UPLOADS_DIR), () => ingestMaxBytes(r.jobVault), token);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  await app.register(ingestRoutes, { device });
  await app.register(sourceRoutes);
  await staticApp(app, options.webRoot);
  return app;
}
