/**
 * Runs the server over a vault folder: opens every archive of the household (sources/archive-host.ts:
 * for each, the job queue's connection, which imports, and the API's, which only reads committed
 * data while an import runs), prints the one-time setup link when there is no account yet,
 * listens, and starts every archive's jobs and sources.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { ArchiveHost } from '../sources/archive-host.js';
import { userCount } from '../vault/auth/users.js';
import { warmCharts } from '../vault/queries/charts.js';
import { conversationSummaries } from '../vault/queries/conversations.js';
import { permissionWarning } from '../vault/permissions.js';
import type { Vault } from '../vault/vault.js';
import { buildServer, type ServerOptions } from './app.js';
import { serverLimits, type ServerLimits } from './limits.js';

export interface ServeOptions {
  dir: string;
  /** A new vault's media location (an s3:// URL), as `Vault.open` takes it. */
  media?: string;
  host: string;
  port: number;
  webRoot?: string;
  logger?: FastifyServerOptions['logger'];
  /** Where the setup link and other start-up notes go (the console). */
  announce: (line: string) => void;
  sessionTtlMs?: number;
  loginRateLimit?: ServerOptions['loginRateLimit'];
  secureCookies?: boolean;
  trustProxy?: boolean;
  /** Host names accepted besides localhost, IP literals and `server.hosts` (serve --public-host). */
  publicHosts?: string[];
  /** Over the vault's `server.*` settings (limits.ts). */
  limits?: Partial<ServerLimits>;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** The setup token printed at start, or null when an account already existed. */
  setupToken: string | null;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  let app: FastifyInstance | undefined;
  // Build the cached aggregates (conversation summary, statistics: a pass over the messages,
  // read back from the database when an earlier run computed them for the same archive) when an
  // archive opens and after each of its jobs, rather than in the first request that needs them.
  // Not awaited: the server answers at once (at ten million messages the pass takes seconds,
  // read a slice per turn of the event loop), and a request that needs them meanwhile waits for
  // this same computation (vault/queries/snapshot.ts).
  const warm = (vault: Vault): void => {
    void (async () => {
      await conversationSummaries(vault);
      await warmCharts(vault);
    })().catch((e: unknown) => {
      app?.log.error({ err: e }, 'could not refresh the cached summaries');
    });
  };
  const listening = { now: false };
  const host = await ArchiveHost.open(options.dir, {
    api: true,
    ...(options.media === undefined ? {} : { media: options.media }),
    onOpen: (runtime) => {
      runtime.queue.on('finished', () => {
        warm(runtime.vault);
      });
      // Archives opened before the server listens are warmed once it does.
      if (listening.now) warm(runtime.vault);
    },
  });
  const vault = host.home.vault;
  try {
    const setupToken = (await userCount(host.accounts)) === 0 ? randomBytes(24).toString('base64url') : null;
    const configured = await serverLimits(vault, options.trustProxy ?? false);
    const limits: ServerLimits = { ...configured, ...options.limits };
    // The name it listens on is one users may type (`--host archive.lan`).
    limits.hosts = [...limits.hosts, ...(options.publicHosts ?? []), ...(isIP(options.host) === 0 ? [options.host.toLowerCase()] : [])];
    app = await buildServer({
      limits,
      host,
      setupToken,
      ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
      logger: options.logger ?? false,
      ...(options.sessionTtlMs === undefined ? {} : { sessionTtlMs: options.sessionTtlMs }),
      ...(options.loginRateLimit === undefined ? {} : { loginRateLimit: options.loginRateLimit }),
      secureCookies: options.secureCookies ?? false,
      trustProxy: options.trustProxy ?? false,
    });
    await app.listen({ host: options.host, port: options.port });
    listening.now = true;
    for (const r of await host.all()) warm(r.vault);
    const running = app;
    // Printed before anything else is awaited, so the setup link is out before the first request
    // can be answered (a test or script waiting for /api/health then finds it).
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${shownHost}:${port}`;
    options.announce(`Textvault is serving ${vault.dir} at ${url}`);
    // On the console the server runs in (its log), at every start until fixed.
    const warning = permissionWarning(vault.dir);
    if (warning !== null) options.announce(warning);
    if (setupToken !== null) options.announce(`No account yet. Create the owner account within this run at: ${url}/setup#token=${setupToken}`);
    await host.start();
    return {
      app: running,
      url,
      setupToken,
      close: async () => {
        // A shutdown does not wait for running jobs: they are stopped (an import rolls back) and
        // stay queued for the next start.
        const stopping = host.close();
        await running.close();
        await stopping;
      },
    };
  } catch (e) {
    await app?.close();
    await host.close();
    throw e;
  }
}
