/**
 * Runs the server over a vault folder: opens two connections to the archive (the job queue's,
 * which imports, and the API's, which only reads committed data while an import runs), starts
 * the job queue, prints the one-time setup link when there is no account yet, and listens.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { notifiersFromConfig } from '../sources/notify/index.js';
import { SnapshotService } from '../sources/snapshot-service.js';
import { SourceService } from '../sources/source-service.js';
import { userCount } from '../vault/auth/users.js';
import { JobQueue } from '../vault/jobs/index.js';
import { warmCharts } from '../vault/queries/charts.js';
import { conversationSummaries } from '../vault/queries/conversations.js';
import { permissionWarning } from '../vault/permissions.js';
import { Vault } from '../vault/vault.js';
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
  const vault = await Vault.open(options.dir, { create: true, ...(options.media === undefined ? {} : { media: options.media }) });
  const jobVault = await Vault.open(options.dir);
  const queue = await JobQueue.open(jobVault);
  // Sources write through the job side, like `textvault daemon` does.
  const notifiers = await notifiersFromConfig(jobVault);
  const sources = new SourceService(jobVault, queue, { notifiers });
  // Scheduled snapshots of the vault itself (`textvault snapshot schedule`) and their alerts.
  const snapshots = new SnapshotService(jobVault, { notifiers });
  let app: FastifyInstance | undefined;
  try {
    const setupToken = (await userCount(queue.control)) === 0 ? randomBytes(24).toString('base64url') : null;
    const configured = await serverLimits(vault, options.trustProxy ?? false);
    const limits: ServerLimits = { ...configured, ...options.limits };
    // The name it listens on is one users may type (`--host archive.lan`).
    limits.hosts = [...limits.hosts, ...(options.publicHosts ?? []), ...(isIP(options.host) === 0 ? [options.host.toLowerCase()] : [])];
    app = await buildServer({
      limits,
      vault,
      jobs: queue,
      sources,
      setupToken,
      ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
      logger: options.logger ?? false,
      ...(options.sessionTtlMs === undefined ? {} : { sessionTtlMs: options.sessionTtlMs }),
      ...(options.loginRateLimit === undefined ? {} : { loginRateLimit: options.loginRateLimit }),
      secureCookies: options.secureCookies ?? false,
      trustProxy: options.trustProxy ?? false,
    });
    // Build the cached aggregates (conversation summary, statistics: a pass over the messages,
    // read back from the database when an earlier run computed them for the same archive) now
    // and after each job, rather than in the first request that needs them. Once listening and
    // not awaited: the server answers at once (at ten million messages the pass takes seconds,
    // read a slice per turn of the event loop), and a request that needs them meanwhile waits
    // for this same computation (vault/queries/snapshot.ts).
    const warm = (): void => {
      void (async () => {
        await conversationSummaries(vault);
        await warmCharts(vault);
      })().catch((e: unknown) => {
        app?.log.error({ err: e }, 'could not refresh the cached summaries');
      });
    };
    queue.on('finished', warm);
    await app.listen({ host: options.host, port: options.port });
    warm();
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
    await queue.start();
    await sources.start();
    await snapshots.start();
    return {
      app: running,
      url,
      setupToken,
      close: async () => {
        // A shutdown does not wait for the running job: it is stopped (an import rolls back) and
        // stays queued for the next start.
        const stopping = queue.stop({ interrupt: true });
        await running.close();
        await sources.stop();
        await snapshots.stop();
        await stopping;
        await queue.close();
        await jobVault.close();
        await vault.close();
      },
    };
  } catch (e) {
    await app?.close();
    await sources.stop();
    await snapshots.stop();
    await queue.close();
    await jobVault.close();
    await vault.close();
    throw e;
  }
}
