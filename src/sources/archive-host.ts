/**
 * Every archive of a server, open and at work: for each, a read connection for the API, and a
 * job side (its own connection, job queue, sources and scheduled snapshots) that imports without
 * blocking the reads (serve.ts). `serve` and `daemon` run every archive of the household
 * (docs/architecture.md, "Households"); an archive added while running opens at first use.
 */
import { listArchives, type ArchiveRef } from '../vault/household/archives.js';
import { JobQueue } from '../vault/jobs/index.js';
import type { ControlStore } from '../store/database.js';
import { Vault } from '../vault/vault.js';
import { notifiersFromConfig } from './notify/index.js';
import { SnapshotService } from './snapshot-service.js';
import { SourceService } from './source-service.js';

export interface ArchiveRuntime {
  id: number;
  /** Reads for the API: never blocked by (nor part of) an import's transaction. */
  vault: Vault;
  /** The job side: imports, exports, verifies. Its control database holds the archive's jobs, sources and tokens. */
  jobVault: Vault;
  queue: JobQueue;
  sources: SourceService;
  snapshots: SnapshotService;
}

export interface ArchiveHostOptions {
  /** Whether to open a read connection per archive for the API (serve) or not (daemon). */
  api: boolean;
  /** A new vault's media location (s3:// URL), for the home archive only. */
  media?: string;
  /** Called with every runtime once open (serve refreshes cached summaries after each job). */
  onOpen?: (runtime: ArchiveRuntime) => void;
}

export class ArchiveHost {
  private readonly runtimes = new Map<number, Promise<ArchiveRuntime>>();
  private started = false;

  private constructor(
    readonly home: ArchiveRuntime,
    private readonly options: ArchiveHostOptions,
  ) {}

  /** Opens the home archive (the folder itself, which also holds the accounts) and every other archive it lists. */
  static async open(homeDir: string, options: ArchiveHostOptions): Promise<ArchiveHost> {
    const home = await openRuntime(homeDir, 1, options, true);
    const host = new ArchiveHost(home, options);
    host.runtimes.set(home.id, Promise.resolve(home));
    options.onOpen?.(home);
    try {
      for (const archive of await listArchives(host.accounts, host.home.vault.dir)) if (archive.id !== home.id) await host.get(archive);
    } catch (e) {
      await host.close();
      throw e;
    }
    return host;
  }

  /** The home control database: accounts, sessions, archives and shares (and the home archive's jobs). */
  get accounts(): ControlStore {
    return this.home.queue.control;
  }

  get homeDir(): string {
    return this.home.vault.dir;
  }

  /** An archive's runtime, opened (and started, when the host runs) at first use. */
  get(archive: ArchiveRef): Promise<ArchiveRuntime> {
    let runtime = this.runtimes.get(archive.id);
    if (runtime === undefined) {
      runtime = (async () => {
        const r = await openRuntime(archive.dir, archive.id, this.options, false);
        this.options.onOpen?.(r);
        if (this.started) await startRuntime(r);
        return r;
      })();
      this.runtimes.set(archive.id, runtime);
      // A failed open is tried again at the next request rather than remembered.
      runtime.catch(() => this.runtimes.delete(archive.id));
    }
    return runtime;
  }

  async all(): Promise<ArchiveRuntime[]> {
    return Promise.all(this.runtimes.values());
  }

  async start(): Promise<void> {
    this.started = true;
    for (const r of await this.all()) await startRuntime(r);
  }

  /** Stops and closes one archive (before its folder is deleted). */
  async forget(id: number): Promise<void> {
    const runtime = this.runtimes.get(id);
    if (runtime === undefined || id === this.home.id) return;
    this.runtimes.delete(id);
    await stopRuntime(await runtime);
  }

  /** Stops every archive's jobs (a running import rolls back and stays queued) and closes them. */
  async close(): Promise<void> {
    const all = await Promise.allSettled(this.runtimes.values());
    this.runtimes.clear();
    for (const r of all) if (r.status === 'fulfilled') await stopRuntime(r.value);
  }
}

async function openRuntime(dir: string, id: number, options: ArchiveHostOptions, home: boolean): Promise<ArchiveRuntime> {
  const create = { create: true, ...(home && options.media !== undefined ? { media: options.media } : {}) };
  const jobVault = await Vault.open(dir, create);
  let vault: Vault = jobVault;
  let queue: JobQueue | undefined;
  try {
    if (options.api) vault = await Vault.open(dir);
    queue = await JobQueue.open(jobVault);
    const notifiers = await notifiersFromConfig(jobVault);
    // Sources write through the job side, like `textvault daemon` does.
    const sources = new SourceService(jobVault, queue, { notifiers });
    const snapshots = new SnapshotService(jobVault, { notifiers });
    return { id, vault, jobVault, queue, sources, snapshots };
  } catch (e) {
    await queue?.close();
    if (vault !== jobVault) await vault.close();
    await jobVault.close();
    throw e;
  }
}

async function startRuntime(r: ArchiveRuntime): Promise<void> {
  await r.queue.start();
  await r.sources.start();
  await r.snapshots.start();
}

async function stopRuntime(r: ArchiveRuntime): Promise<void> {
  // A shutdown does not wait for the running job: it is stopped (an import rolls back) and stays queued.
  const stopping = r.queue.stop({ interrupt: true });
  await r.sources.stop();
  await r.snapshots.stop();
  await stopping;
  await r.queue.close();
  if (r.vault !== r.jobVault) await r.vault.close();
  await r.jobVault.close();
}
