/**
 * The persistent job queue of one vault (see index.ts for how to use it).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { ControlStore } from '../../store/database.js';
import { param, prepare, type Prepared } from '../../store/prepared.js';
import { openControl } from '../control.js';
import { processAlive, VaultBusyError } from '../lock.js';
import { noteSourceFailure, noteSourceImport } from '../sources/deliveries.js';
import { isMailboxUrl } from '../sources/mailbox.js';
import { noteRun } from '../sources/registry.js';
import type { Vault } from '../vault.js';
import { jobFromRow, parseParams, type Job, type JobInput, type JobProgress } from './job.js';
import { exportsKeepMs } from '../config.js';
import { removeExportFiles, runExportJob } from './run-export-job.js';
import { runImport, runMailbox, runVerify } from './run-job.js';

/** Where uploads are spooled (`<vault>/uploads/`) until the import job that owns each has ended. */
export const UPLOADS_DIR = 'uploads';
/**
 * An upload no job refers to is removed once unchanged this long: one still arriving (at another
 * server of the vault, say) is written to all the time, and is queued the moment it is complete.
 */
const ORPHAN_UPLOAD_MS = 60 * 60 * 1000;

export interface JobQueueOptions {
  /** How often a running job's progress is written to the control database (ms). Default 1000. */
  progressPersistMs?: number;
  /** How long to wait before trying again when another process holds the import lock (ms). Default 2000. */
  busyRetryMs?: number;
  /** How often an idle queue looks for jobs other processes queued or left behind (ms). Default 5000. */
  pollMs?: number;
  /** A job whose run was interrupted (killed) this many times is failed instead of retried. Default 3. */
  maxAttempts?: number;
  /** How often an idle queue deletes exports older than `exports.keep` (ms; also at start). Default 10 minutes. */
  exportSweepMs?: number;
}

export interface JobEvents {
  /** Any change of a job's status (queued, running, done, failed). */
  job: [job: Job];
  /** A running job's progress moved (at most every ~100 ms). */
  progress: [job: Job];
  /** A job ended: `status` is `done` or `failed`. */
  finished: [job: Job];
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
}

export class JobQueue extends EventEmitter<JobEvents> {
  private readonly progressPersistMs: number;
  private readonly busyRetryMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  private readonly exportSweepMs: number;
  private lastExportSweep = 0;
  /** Exports that ended before this were swept already (by this queue): each sweep looks only past it. */
  private sweptBefore = 0;
  private readonly live = new Map<number, JobProgress>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly saveProgress: Prepared<unknown>;

  constructor(
    readonly vault: Vault,
    readonly control: ControlStore,
    options: JobQueueOptions = {},
    private readonly ownsControl = false,
  ) {
    super();
    this.progressPersistMs = options.progressPersistMs ?? 1000;
    this.busyRetryMs = options.busyRetryMs ?? 2000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.pollMs = options.pollMs ?? 5000;
    this.exportSweepMs = options.exportSweepMs ?? 10 * 60 * 1000;
    this.saveProgress = prepare(
      control.sqlite,
      control.db
        .updateTable('jobs')
        .set({ progress_done: param<number>('done'), progress_total: param<number | null>('total'), progress_unit: param<string>('unit') })
        .where('id', '=', param<number>('id')),
    );
  }

  /** Opens the vault's control database and a queue over it; `close()` closes both. */
  static async open(vault: Vault, options: JobQueueOptions = {}): Promise<JobQueue> {
    const control = await openControl(vault);
    return new JobQueue(vault, control, options, true);
  }

  async enqueue(input: JobInput): Promise<Job> {
    let params = {};
    if (input.kind === 'import') {
      params = {
        ...(input.deleteAfter === undefined ? {} : { deleteAfter: input.deleteAfter }),
        ...(input.sourceId === undefined ? {} : { sourceId: input.sourceId }),
        ...(input.originalName === undefined ? {} : { originalName: input.originalName }),
      };
    } else if (input.kind === 'export') {
      const { kind: _kind, ...exportParams } = input;
      params = { export: exportParams };
    }
    const row = await this.control.db
      .insertInto('jobs')
      .values({
        kind: input.kind,
        status: 'queued',
        created_at: Date.now(),
        started_at: null,
        ended_at: null,
        progress_done: 0,
        progress_total: null,
        progress_unit: input.kind === 'verify' ? 'blobs' : input.kind === 'export' ? 'records' : 'bytes',
        file: input.kind !== 'import' ? null : isMailboxUrl(input.file) ? input.file : path.resolve(input.file),
        params_json: JSON.stringify(params),
        result_json: null,
        error: null,
        attempts: 0,
        runner_pid: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const job = jobFromRow(row);
    this.emit('job', job);
    this.wake?.();
    return job;
  }

  async get(id: number): Promise<Job | undefined> {
    const row = await this.control.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : this.withLive(jobFromRow(row));
  }

  /** Newest first; `cursor` is the `nextCursor` of the previous page. */
  async list(options: { limit?: number; cursor?: string | null } = {}): Promise<JobPage> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    let q = this.control.db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(limit + 1);
    if (options.cursor !== undefined && options.cursor !== null && options.cursor !== '') {
      const before = Number(options.cursor);
      if (!Number.isSafeInteger(before)) throw new JobNotFoundError(`"${options.cursor}" is not a job list cursor; use the nextCursor of the previous page`);
      q = q.where('id', '<', before);
    }
    const rows = await q.execute();
    const page = rows.slice(0, limit).map((r) => this.withLive(jobFromRow(r)));
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > limit && last !== undefined ? String(last.id) : null };
  }

  /**
   * Starts running jobs one at a time, oldest first. A job left `running` by a process that died
   * is queued again and re-run from scratch: imports are one transaction per backup and skip
   * files already imported, so a re-run neither loses nor duplicates anything.
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.requeueInterrupted();
    await this.removeLeftoverFiles();
    await this.removeOrphanUploads();
    await this.removeExpiredExports();
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops taking new jobs and resolves once the running one (if any) has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    this.loopDone = undefined;
  }

  /** Resolves when no job is queued or running (for tests and `textvault jobs run`). */
  async idle(): Promise<void> {
    if (!(await this.hasWork())) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.ownsControl) await this.control.close();
  }

  /**
   * Queues again every job marked running by a process that no longer exists. Several processes
   * (the server, `textvault jobs run`) may share a queue: a job another live process is running
   * is left alone, and taking a queued job is one conditional update, so only one runs it.
   */
  private async requeueInterrupted(): Promise<void> {
    const running = await this.control.db.selectFrom('jobs').select(['id', 'runner_pid']).where('status', '=', 'running').execute();
    for (const r of running) {
      if (r.runner_pid !== null && r.runner_pid !== process.pid && processAlive(r.runner_pid)) continue;
      // A job of this very process is only ever `running` inside runOne, which is not the case here.
      await this.control.db.updateTable('jobs').set({ status: 'queued', started_at: null, runner_pid: null }).where('id', '=', r.id).where('status', '=', 'running').execute();
    }
  }

  /** Files of ended `deleteAfter` jobs that a crash kept from being deleted. */
  private async removeLeftoverFiles(): Promise<void> {
    const ended = await this.control.db.selectFrom('jobs').select(['file', 'params_json']).where('status', 'in', ['done', 'failed']).where('file', 'is not', null).execute();
    for (const j of ended) if (j.file !== null && parseParams(j.params_json).deleteAfter === true) await fs.promises.rm(j.file, { force: true });
  }

  /**
   * Spooled uploads that never became a job: the process died while the upload arrived, or
   * before it was queued. Nobody will import them, and they are someone's messages.
   */
  private async removeOrphanUploads(now = Date.now()): Promise<void> {
    const dir = path.join(this.vault.dir, UPLOADS_DIR);
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      return;
    }
    if (names.length === 0) return;
    const owned = await this.control.db.selectFrom('jobs').select('file').where('file', 'like', `${dir}${path.sep}%`).execute();
    const referenced = new Set(owned.map((j) => j.file));
    for (const name of names) {
      const file = path.join(dir, name);
      if (referenced.has(file)) continue;
      const stat = await fs.promises.lstat(file).catch(() => undefined);
      if (stat?.isFile() === true && now - stat.mtimeMs >= ORPHAN_UPLOAD_MS) await fs.promises.rm(file, { force: true });
    }
  }

  /** Deletes the files of exports that ended more than `exports.keep` ago (they are copies of someone's messages). */
  private async removeExpiredExports(now = Date.now()): Promise<void> {
    this.lastExportSweep = now;
    let keep: number;
    try {
      keep = await exportsKeepMs(this.vault.config);
    } catch {
      // A setting written by hand that does not parse: keep everything rather than guess.
      return;
    }
    const cutoff = now - keep;
    const old = await this.control.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'export')
      .where('status', 'in', ['done', 'failed'])
      .where('ended_at', '>=', this.sweptBefore)
      .where('ended_at', '<', cutoff)
      .execute();
    for (const j of old) await removeExportFiles(this.vault, j.id);
    // A shorter `exports.keep` moves the cutoff on; a longer one never brings back what is gone.
    this.sweptBefore = Math.max(this.sweptBefore, cutoff);
  }

  private withLive(job: Job): Job {
    const p = this.live.get(job.id);
    return p === undefined || job.status !== 'running' ? job : { ...job, progress: p };
  }

  private async hasQueued(): Promise<boolean> {
    const row = await this.control.db.selectFrom('jobs').select('id').where('status', '=', 'queued').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  private async hasWork(): Promise<boolean> {
    const row = await this.control.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const next = await this.control.db.selectFrom('jobs').selectAll().where('status', '=', 'queued').orderBy('id').limit(1).executeTakeFirst();
      if (next === undefined) {
        // A job another process was running when it died shows up here too.
        await this.requeueInterrupted();
        if (await this.hasQueued()) continue;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        if (Date.now() - this.lastExportSweep >= this.exportSweepMs) await this.removeExpiredExports();
        // Polling as well as waking on enqueue: another process (the CLI) may queue jobs too.
        await this.sleep(this.pollMs);
        continue;
      }
      const outcome = await this.runOne(next.id, next.attempts);
      if (outcome === 'busy') await this.sleep(this.busyRetryMs);
    }
  }

  private async runOne(id: number, attempts: number): Promise<'ended' | 'busy'> {
    const db = this.control.db;
    const now = Date.now();
    if (attempts >= this.maxAttempts) {
      await this.end(id, {
        status: 'failed',
        error: `the job was interrupted ${attempts} times (the process running it was killed or crashed); nothing from an unfinished run was kept. Queue it again once the cause is fixed`,
      });
      return 'ended';
    }
    const row = await db
      .updateTable('jobs')
      .set({ status: 'running', started_at: now, attempts: attempts + 1, progress_done: 0, runner_pid: process.pid })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return 'ended';
    const started = jobFromRow(row);
    this.emit('job', started);

    let lastPersist = 0;
    const onProgress = (p: JobProgress): void => {
      this.live.set(id, p);
      this.emit('progress', { ...started, progress: p });
      const t = Date.now();
      if (t - lastPersist >= this.progressPersistMs) {
        lastPersist = t;
        // The control database is never locked by an import, so this cannot stall the job.
        // Synchronous (a prepared statement): progress arrives from inside the import's read loop.
        // Best effort: on a full disk this write fails too, and a progress figure must not turn
        // into an exception thrown inside the reader's stream (the import reports the real error).
        try {
          this.saveProgress.run({ done: p.done, total: p.total, unit: p.unit, id });
        } catch {
          lastPersist = 0;
        }
      }
    };

    const { sourceId, originalName, export: exportParams } = parseParams(row.params_json);
    try {
      let result: object;
      if (row.kind === 'verify') result = await runVerify(this.vault, onProgress);
      else if (row.kind === 'export') result = await runExportJob(this.vault, id, exportParams, onProgress);
      else {
        if (sourceId !== undefined) await noteRun(this.control.db, sourceId);
        const file = this.fileOf(row.file);
        const imported = isMailboxUrl(file) ? await runMailbox(this.vault, this.control.db, sourceId, onProgress) : await runImport(this.vault, file, onProgress, originalName === undefined ? undefined : path.basename(originalName));
        // Before the job is marked done: a crash in between re-runs the job, which skips the
        // already imported file and repeats this idempotent step.
        const deletions = sourceId === undefined ? undefined : await noteSourceImport(this.vault, this.control.db, sourceId, imported.backups);
        result = deletions === undefined ? imported : { ...imported, deletedOnPhone: deletions };
      }
      const p = this.live.get(id);
      await this.end(id, { status: 'done', result, ...(p === undefined ? {} : { progress: { ...p, done: p.total ?? p.done } }) });
    } catch (e) {
      if (e instanceof VaultBusyError) {
        // Another process is importing: wait for it rather than fail; this run does not count.
        this.live.delete(id);
        await db.updateTable('jobs').set({ status: 'queued', started_at: null, attempts, runner_pid: null }).where('id', '=', id).execute();
        const job = await this.get(id);
        if (job !== undefined) this.emit('job', job);
        return 'busy';
      }
      const message = e instanceof Error ? e.message : String(e);
      if (sourceId !== undefined) await noteSourceFailure(this.control.db, sourceId, message);
      // The error's class lets a watched folder tell "not a backup" (rejected/) from damage.
      await this.end(id, { status: 'failed', error: message, result: { errorName: e instanceof Error ? e.name : 'Error' } });
    }
    return 'ended';
  }

  private fileOf(file: string | null): string {
    if (file === null) throw new Error('an import job without a file: queue it again with the file to import');
    return file;
  }

  private async end(id: number, outcome: { status: 'done' | 'failed'; result?: object; error?: string; progress?: JobProgress }): Promise<void> {
    const row = await this.control.db
      .updateTable('jobs')
      .set({
        status: outcome.status,
        ended_at: Date.now(),
        result_json: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error ?? null,
        ...(outcome.progress === undefined ? {} : { progress_done: outcome.progress.done, progress_total: outcome.progress.total, progress_unit: outcome.progress.unit }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.live.delete(id);
    const params = parseParams(row.params_json);
    if (params.deleteAfter === true && row.file !== null) {
      // Only the queue's own copies (spooled uploads) are deleted, and only once the job ended.
      await fs.promises.rm(row.file, { force: true });
    }
    const job = jobFromRow(row);
    this.emit('job', job);
    this.emit('finished', job);
  }
}
