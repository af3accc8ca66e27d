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
import { noteSourceFailure, noteSourceImport, sourceFailureMessage } from '../sources/deliveries.js';
import { isMailboxUrl } from '../sources/mailbox.js';
import { noteRun } from '../sources/registry.js';
import type { Vault } from '../vault.js';
import { errorNameOf, isRetryable, jobFromRow, parseParams, type Job, type JobInput, type JobProgress } from './job.js';
import { DEFAULT_JOB_TIME_LIMIT_MS, exportsKeepMs, jobTimeLimitMs } from '../config.js';
import { CRASHED, crashMessage, UPLOAD_INTERRUPTED, JobCancelledError, JobInterruptedError, JobStateError, JobTimeLimitError } from './job-errors.js';
import { removeExportFiles, runExportJob } from './run-export-job.js';
import { runSnapshotJob } from './run-snapshot-job.js';
import { runImport, runMailbox, runVerify } from './run-job.js';
import { dropJobPassphrase, jobPassphrase, passphraseFromFile, passphraseMissing, putJobPassphrase, sealJobPassphrase } from './job-secrets.js';
import { uploadWriterPid } from './upload-names.js';

/** Where uploads are spooled (`<vault>/uploads/`) until the import job that owns each has ended. */
export const UPLOADS_DIR = 'uploads';
/**
 * An upload no job refers to whose writer cannot be told (a name of older servers), or whose
 * writer is alive and stalled, is removed once unchanged this long: one still arriving (at another
 * server of the vault, say) is written to all the time, and is queued the moment it is complete.
 */
const ORPHAN_UPLOAD_MS = 60 * 60 * 1000;
/** How long `cancel()` of a job this queue runs waits for it to have stopped before it answers. */
const CANCEL_ANSWER_WAIT_MS = 10_000;
/**
 * The upload of a job that crashed is kept this long for `jobs retry`, then deleted like any
 * other ended upload: it is someone's messages, and a file nobody retried in a week is not wanted.
 */
const CRASHED_UPLOAD_KEEP_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Failures the user ends by giving the backup's password (POST /api/jobs/:id/passphrase): the
 * upload is kept for that, as long as a crashed one, then deleted.
 */
export const NEEDS_PASSPHRASE = new Set(['PassphraseRequiredError', 'WrongPassphraseError']);
/** An ended job's upload is kept (for a retry) after this failure. */
function keepsUpload(errorName: string | undefined): boolean {
  return errorName === CRASHED || (errorName !== undefined && NEEDS_PASSPHRASE.has(errorName));
}
/** The passphrase a retry may carry: any text a person types, bounded. */
export const MAX_PASSPHRASE_CHARS = 1024;

function checkPassphrase(passphrase: string): void {
  if (passphrase === '' || passphrase.length > MAX_PASSPHRASE_CHARS) throw new JobStateError(`the password must be 1 to ${MAX_PASSPHRASE_CHARS} characters`);
}

/**
 * Jobs some queue of this process is running. Several queues may share a control database in
 * one process (the server's, a CLI command's, tests): a job marked running with this process's
 * id is alive exactly when one of them has it here.
 */
const runningHere = new Set<number>();

export interface JobQueueOptions {
  /** How often a running job's progress is written to the control database (ms). Default 1000. */
  progressPersistMs?: number;
  /** How long to wait before trying again when another process holds the import lock (ms). Default 2000. */
  busyRetryMs?: number;
  /** How often an idle queue looks for jobs other processes queued or left behind (ms). Default 5000. */
  pollMs?: number;
  /** How often a running job's row is read for a cancel another process asked for (ms). Default 500. */
  cancelPollMs?: number;
  /** How often an idle queue deletes exports older than `exports.keep` (ms; also at start). Default 10 minutes. */
  exportSweepMs?: number;
}

export interface JobEvents {
  /** Any change of a job's status (queued, running, done, failed, cancelled). */
  job: [job: Job];
  /** A running job's progress moved (at most every ~100 ms). */
  progress: [job: Job];
  /** A job ended: `status` is `done`, `failed` or `cancelled`. */
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
  private readonly cancelPollMs: number;
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
  private readonly cancelRequested: Prepared<{ cancel_requested_at: number | null }>;
  /** The job this queue is running, and how to stop it. */
  private current: { id: number; controller: AbortController; ended: Promise<void> } | undefined;

  constructor(
    readonly vault: Vault,
    readonly control: ControlStore,
    options: JobQueueOptions = {},
    private readonly ownsControl = false,
  ) {
    super();
    this.progressPersistMs = options.progressPersistMs ?? 1000;
    this.busyRetryMs = options.busyRetryMs ?? 2000;
    this.cancelPollMs = options.cancelPollMs ?? 500;
    this.pollMs = options.pollMs ?? 5000;
    this.exportSweepMs = options.exportSweepMs ?? 10 * 60 * 1000;
    this.saveProgress = prepare(
      control.sqlite,
      control.db
        .updateTable('jobs')
        .set({
          progress_done: param<number>('done'),
          progress_total: param<number | null>('total'),
          progress_unit: param<string>('unit'),
          progress_expanded: param<number | null>('expanded'),
        })
        .where('id', '=', param<number>('id')),
    );
    this.cancelRequested = prepare(control.sqlite, control.db.selectFrom('jobs').select('cancel_requested_at').where('id', '=', param<number>('id')));
  }

  /** Opens the vault's control database and a queue over it; `close()` closes both. */
  static async open(vault: Vault, options: JobQueueOptions = {}): Promise<JobQueue> {
    const control = await openControl(vault);
    return new JobQueue(vault, control, options, true);
  }

  /**
   * Queues a job. `secrets.passphrase` (an encrypted upload's password) is sealed into the
   * job_secrets table with the job's row, in one transaction, and deleted when the job ends
   * (job-secrets.ts): never in the jobs table or a log.
   */
  async enqueue(input: JobInput, secrets: { passphrase?: string } = {}): Promise<Job> {
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
    const { passphrase } = secrets;
    if (passphrase !== undefined) checkPassphrase(passphrase);
    // The row goes in with its passphrase or not at all: a queue that took the job in between
    // would find no passphrase and fail it.
    const row = await this.control.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('jobs')
        .values({
          kind: input.kind,
          status: 'queued',
          created_at: Date.now(),
          started_at: null,
          ended_at: null,
          progress_done: 0,
          progress_total: null,
          progress_unit: input.kind === 'verify' ? 'blobs' : input.kind === 'export' ? 'records' : input.kind === 'snapshot' ? 'files' : 'bytes',
          file: input.kind !== 'import' ? null : isMailboxUrl(input.file) ? input.file : path.resolve(input.file),
          params_json: JSON.stringify(params),
          result_json: null,
          error: null,
          attempts: 0,
          runner_pid: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // The purpose names the job id, known only now; sealing inside the transaction holds
      // the control database's write lock for the moment libsodium takes.
      if (passphrase !== undefined) await putJobPassphrase(tx, inserted.id, await sealJobPassphrase(this.vault.dir, inserted.id, passphrase));
      return inserted;
    });
    const job = jobFromRow(row);
    this.emit('job', job);
    this.wake?.();
    return job;
  }

  /**
   * Records an upload whose body never fully arrived (see UPLOAD_INTERRUPTED) as an import job
   * that failed at once: the job list is where users look for what became of an upload, and a
   * row there needs no other table. `file` is null (nothing was kept); the name shown is the
   * uploaded one; `progress.done` is the bytes that arrived. It is not retryable.
   */
  async recordFailedUpload(upload: { originalName: string; receivedBytes: number; declaredBytes?: number; error: string }): Promise<Job> {
    const now = Date.now();
    const row = await this.control.db
      .insertInto('jobs')
      .values({
        kind: 'import',
        status: 'failed',
        created_at: now,
        started_at: null,
        ended_at: now,
        progress_done: upload.receivedBytes,
        progress_total: upload.declaredBytes ?? null,
        progress_unit: 'bytes',
        file: null,
        // deleteAfter: an upload, so never retryable (isRetryable); there is no file to delete.
        params_json: JSON.stringify({ deleteAfter: true, originalName: upload.originalName }),
        result_json: JSON.stringify({ errorName: UPLOAD_INTERRUPTED, receivedBytes: upload.receivedBytes }),
        error: upload.error,
        attempts: 0,
        runner_pid: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const job = jobFromRow(row);
    this.emit('job', job);
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
   * Cancels a job. A queued job is cancelled at once. A running job is asked to stop: when this
   * queue runs it, at once; when another process does, through the job's row, which that process
   * reads every `cancelPollMs` (the returned job then says `cancelRequested`, and `get()` shows
   * `cancelled` once it stopped). A stopped import is rolled back: the vault is as it was. A job
   * that crashed (its upload kept for a retry) is cancelled too, and its upload deleted.
   */
  async cancel(id: number): Promise<Job> {
    const db = this.control.db;
    const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new JobNotFoundError(`there is no job ${id}`);
    const cancelled = { status: 'cancelled' as const, result: { errorName: 'JobCancelledError' } };
    if (row.status === 'queued') {
      if (await this.end(id, { ...cancelled, error: 'cancelled before it started', onlyIf: 'queued' })) return this.mustGet(id);
      // It started in between: stop it like a running one.
    }
    if (row.status === 'queued' || row.status === 'running') {
      await db.updateTable('jobs').set({ cancel_requested_at: Date.now() }).where('id', '=', id).where('status', '=', 'running').execute();
      if (this.current?.id === id) {
        this.current.controller.abort(new JobCancelledError());
        // Stopping takes a moment (the reader notices, the transaction rolls back): answer with
        // the outcome rather than "still running", unless it takes unusually long.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.current.ended, new Promise((r) => (timer = setTimeout(r, CANCEL_ANSWER_WAIT_MS)))]);
        clearTimeout(timer);
      } else {
        const now = await db.selectFrom('jobs').select(['status', 'runner_pid']).where('id', '=', id).executeTakeFirst();
        // Nobody is running it any more (its process died): there is nothing to wait for.
        if (now?.status === 'running' && !JobQueue.runnerAlive(id, now.runner_pid))
          await this.end(id, { ...cancelled, error: 'cancelled after the process running it had stopped; nothing from that run was kept', onlyIf: 'running' });
      }
      return this.mustGet(id);
    }
    if (row.status === 'failed' && errorNameOf(row.result_json) === CRASHED) {
      await this.end(id, { ...cancelled, error: `${row.error ?? 'crashed'} (then cancelled: its file was deleted)`, onlyIf: 'failed' });
      return this.mustGet(id);
    }
    if (row.status === 'failed' && NEEDS_PASSPHRASE.has(errorNameOf(row.result_json) ?? '') && parseParams(row.params_json).deleteAfter === true) {
      // Nobody will give the password: the kept upload goes now rather than in a week.
      await this.end(id, { ...cancelled, error: 'cancelled without its password: the uploaded file was deleted', onlyIf: 'failed' });
      return this.mustGet(id);
    }
    throw new JobStateError(`job ${id} has already ended (${row.status}); there is nothing to cancel`);
  }

  /**
   * Queues a failed or cancelled job again, as it was first queued (`jobs retry`): for a job that
   * crashed the process, for one stopped by the time limit after raising it, for one cancelled
   * by mistake. An upload deleted at its job's end cannot be retried: send it again.
   */
  async retry(id: number): Promise<Job> {
    const row = await this.control.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new JobNotFoundError(`there is no job ${id}`);
    if (row.status !== 'failed' && row.status !== 'cancelled') throw new JobStateError(`job ${id} is ${row.status}; only a failed or cancelled job can be retried`);
    if (!isRetryable(row)) throw new JobStateError(`job ${id} cannot be retried: its upload was deleted when the job ended; upload the file again`);
    if (row.kind === 'import' && row.file !== null && !isMailboxUrl(row.file) && !fs.existsSync(row.file))
      throw new JobStateError(`job ${id} cannot be retried: its file is no longer there; import or upload it again`);
    const updated = await this.control.db
      .updateTable('jobs')
      .set({ status: 'queued', started_at: null, ended_at: null, error: null, result_json: null, progress_done: 0, progress_expanded: null, runner_pid: null, cancel_requested_at: null })
      .where('id', '=', id)
      .where('status', '=', row.status)
      .returningAll()
      .executeTakeFirst();
    if (updated === undefined) throw new JobStateError(`job ${id} changed while it was being retried; look at it again`);
    const job = jobFromRow(updated);
    this.emit('job', job);
    this.wake?.();
    return job;
  }

  /**
   * Runs again an import that failed for want of its backup's password (or with a wrong one),
   * now with `passphrase`: sealed until the job ends (job-secrets.ts). The upload was kept for
   * this (keepsUpload); a watched folder's file is read where it is.
   */
  async retryWithPassphrase(id: number, passphrase: string): Promise<Job> {
    checkPassphrase(passphrase);
    const row = await this.control.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new JobNotFoundError(`there is no job ${id}`);
    if (row.kind !== 'import' || row.status !== 'failed' || !NEEDS_PASSPHRASE.has(errorNameOf(row.result_json) ?? ''))
      throw new JobStateError(`job ${id} did not fail for want of a password (it is ${row.status}); only such an import takes one`);
    if (row.file === null || !fs.existsSync(row.file)) throw new JobStateError(`job ${id}'s file is no longer kept: upload the backup again, with its password`);
    const sealed = await sealJobPassphrase(this.vault.dir, id, passphrase);
    const updated = await this.control.db.transaction().execute(async (tx) => {
      const queued = await tx
        .updateTable('jobs')
        .set({ status: 'queued', started_at: null, ended_at: null, error: null, result_json: null, progress_done: 0, progress_expanded: null, runner_pid: null, cancel_requested_at: null })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .returningAll()
        .executeTakeFirst();
      if (queued !== undefined) await putJobPassphrase(tx, id, sealed);
      return queued;
    });
    if (updated === undefined) throw new JobStateError(`job ${id} changed while its password was being given; look at it again`);
    const job = jobFromRow(updated);
    this.emit('job', job);
    this.wake?.();
    return job;
  }

  private async mustGet(id: number): Promise<Job> {
    const job = await this.get(id);
    if (job === undefined) throw new JobNotFoundError(`there is no job ${id}`);
    return job;
  }

  private static runnerAlive(id: number, pid: number | null): boolean {
    return pid !== null && (pid === process.pid ? runningHere.has(id) : processAlive(pid));
  }

  /**
   * Starts running jobs one at a time, oldest first. A job left `running` by a process that died
   * is not run again by itself: it is failed with a message that says how to retry it (see
   * failCrashed), and its upload is kept for that.
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.failCrashed();
    await this.removeLeftoverFiles();
    await this.removeOrphanUploads();
    await this.removeExpiredExports();
    this.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Stops taking new jobs and resolves once the running one (if any) has ended. With `interrupt`
   * (a shutdown: SIGTERM, Ctrl-C) the running job is stopped at once instead: an import is rolled
   * back, and the job goes back to the queue and runs again at the next start.
   */
  async stop(options: { interrupt?: boolean } = {}): Promise<void> {
    this.running = false;
    if (options.interrupt === true) this.current?.controller.abort(new JobInterruptedError());
    this.wake?.();
    await this.loopDone;
    this.loopDone = undefined;
  }

  /** Resolves when no job is queued or running (for tests and `textvault jobs run`). */
  async idle(): Promise<void> {
    if (!(await this.hasWork())) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(options: { interrupt?: boolean } = {}): Promise<void> {
    await this.stop(options);
    if (this.ownsControl) await this.control.close();
  }

  /**
   * Fails every job marked running by a process that no longer exists: that process was killed
   * or crashed in the middle of it. Such a job is not run again by itself: the likeliest cause of
   * a crash during a job is the job (a hostile or broken file, memory), and re-running it at each
   * start turned one bad upload into a crash loop. An orderly stop (SIGTERM, Ctrl-C) is not a
   * crash: that job went back to the queue (stop({ interrupt })). Nothing of the unfinished run
   * is in the vault (one transaction per backup), and an upload is kept for `jobs retry`.
   *
   * Several processes (the server, `textvault jobs run`) may share a queue: a job another live
   * process is running is left alone, and taking a queued job is one conditional update, so only
   * one runs it.
   */
  private async failCrashed(): Promise<void> {
    const running = await this.control.db.selectFrom('jobs').selectAll().where('status', '=', 'running').execute();
    for (const r of running) {
      if (JobQueue.runnerAlive(r.id, r.runner_pid)) continue;
      const job = jobFromRow(r);
      const what = job.kind === 'import' ? `importing ${job.file === null ? 'a file' : `"${path.basename(job.file)}"`}` : job.kind === 'verify' ? 'verifying the vault' : job.kind === 'snapshot' ? 'taking a snapshot of the vault' : 'exporting';
      const message = crashMessage(r.id, what);
      const { sourceId } = parseParams(r.params_json);
      if (sourceId !== undefined) await noteSourceFailure(this.control.db, sourceId, message);
      await this.end(r.id, { status: 'failed', error: message, result: { errorName: CRASHED }, onlyIf: 'running', keepFile: true });
    }
  }

  /**
   * Files of ended `deleteAfter` jobs that a crash kept from being deleted, and uploads of crashed
   * jobs nobody retried within CRASHED_UPLOAD_KEEP_MS.
   */
  private async removeLeftoverFiles(options: { onlyCrashed?: boolean } = {}, now = Date.now()): Promise<void> {
    let q = this.control.db
      .selectFrom('jobs')
      .select(['file', 'params_json', 'result_json', 'ended_at'])
      .where('status', 'in', ['done', 'failed', 'cancelled'])
      .where('file', 'is not', null);
    // While running, only the few crashed jobs' uploads can have become due.
    if (options.onlyCrashed === true) q = q.where((w) => w.or([CRASHED, ...NEEDS_PASSPHRASE].map((name) => w('result_json', 'like', `%"${name}"%`))));
    const ended = await q.execute();
    for (const j of ended) {
      if (j.file === null || parseParams(j.params_json).deleteAfter !== true) continue;
      if (keepsUpload(errorNameOf(j.result_json)) && now - (j.ended_at ?? 0) < CRASHED_UPLOAD_KEEP_MS) continue;
      await fs.promises.rm(j.file, { force: true });
    }
  }

  /**
   * Spooled uploads that never became a job: the process died while the upload arrived, or
   * before it was queued. Nobody will import them, and they are someone's messages. One whose
   * writer (named in the file's name) is gone goes at once; any other once ORPHAN_UPLOAD_MS old.
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
      const writer = uploadWriterPid(name);
      if (writer !== undefined && writer !== process.pid && !processAlive(writer)) {
        await fs.promises.rm(file, { force: true });
        continue;
      }
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
        await this.failCrashed();
        if (await this.hasQueued()) continue;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        if (Date.now() - this.lastExportSweep >= this.exportSweepMs) {
          await this.removeExpiredExports();
          await this.removeLeftoverFiles({ onlyCrashed: true });
          // A server restarted within the hour after a crash would otherwise keep an old-style orphan until its next start.
          await this.removeOrphanUploads();
        }
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
    const row = await db
      .updateTable('jobs')
      .set({ status: 'running', started_at: now, attempts: attempts + 1, progress_done: 0, progress_expanded: null, runner_pid: process.pid, cancel_requested_at: null })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return 'ended';
    const started = jobFromRow(row);
    this.emit('job', started);

    const controller = new AbortController();
    const { signal } = controller;
    let markEnded = (): void => undefined;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    this.current = { id, controller, ended };
    runningHere.add(id);
    // The setting is read at each start, so a change applies from the next job without a restart.
    const limitMs = await jobTimeLimitMs(this.vault.config).catch(() => DEFAULT_JOB_TIME_LIMIT_MS);
    const limit =
      limitMs === null
        ? undefined
        : setTimeout(() => {
            controller.abort(new JobTimeLimitError(limitMs));
          }, limitMs);
    // A cancel asked for by another process (`textvault jobs cancel` while the server runs it).
    const cancelPoll = setInterval(() => {
      try {
        if (this.cancelRequested.get({ id })?.cancel_requested_at != null) controller.abort(new JobCancelledError());
      } catch {
        // A busy or full control database: look again at the next tick.
      }
    }, this.cancelPollMs);

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
          this.saveProgress.run({ done: p.done, total: p.total, unit: p.unit, expanded: p.expanded ?? null, id });
        } catch {
          lastPersist = 0;
        }
      }
    };
    // Verify and export stop when their progress callback throws (they call it from their own
    // loops); an import is told through its signal instead, since its progress comes from
    // inside the reader's stream callbacks, where a throw would escape.
    const stoppingProgress = (p: JobProgress): void => {
      onProgress(p);
      signal.throwIfAborted();
    };

    const { sourceId, originalName, export: exportParams } = parseParams(row.params_json);
    try {
      let result: object;
      if (row.kind === 'verify') result = await runVerify(this.vault, stoppingProgress);
      else if (row.kind === 'export') result = await runExportJob(this.vault, id, exportParams, stoppingProgress);
      else if (row.kind === 'snapshot') result = await runSnapshotJob(this.vault, stoppingProgress);
      else {
        if (sourceId !== undefined) await noteRun(this.control.db, sourceId);
        const file = this.fileOf(row.file);
        const imported = isMailboxUrl(file)
          ? await runMailbox(this.vault, this.control.db, sourceId, onProgress, signal)
          : await runImport(this.vault, file, onProgress, {
              signal,
              ...(originalName === undefined ? {} : { displayName: path.basename(originalName) }),
              // Asked only if the file is encrypted.
              passphrase: () => this.passphraseFor(id, row, originalName ?? file),
            });
        // Before the job is marked done: a crash in between leaves the job to be retried, which
        // skips the already imported file and repeats this idempotent step.
        const deletions = sourceId === undefined ? undefined : await noteSourceImport(this.vault, this.control.db, sourceId, imported.backups);
        result = deletions === undefined ? imported : { ...imported, deletedOnPhone: deletions };
      }
      const p = this.live.get(id);
      await this.end(id, { status: 'done', result, ...(p === undefined ? {} : { progress: { ...p, done: p.total ?? p.done } }) });
    } catch (e) {
      if (e instanceof VaultBusyError && !signal.aborted) {
        // Another process is importing: wait for it rather than fail; this run does not count.
        await this.requeue(id, attempts);
        return 'busy';
      }
      // Whatever the run threw on its way out (the reader's own "cancelled", a rolled-back
      // write), the reason it was stopped is what the job reports.
      const reason: unknown = signal.aborted ? signal.reason : e;
      if (reason instanceof JobInterruptedError) {
        // A shutdown, not the job's fault: it runs again at the next start and does not count.
        await this.requeue(id, attempts);
        return 'ended';
      }
      // A source's failure is seen by every web user: a file that is no backup is named, not quoted.
      const message = sourceId === undefined || reason instanceof JobCancelledError ? (reason instanceof Error ? reason.message : String(reason)) : sourceFailureMessage(reason, originalName);
      const errorName = reason instanceof Error ? reason.name : 'Error';
      if (reason instanceof JobCancelledError) await this.end(id, { status: 'cancelled', error: message, result: { errorName } });
      else {
        if (sourceId !== undefined) await noteSourceFailure(this.control.db, sourceId, message);
        // The error's class lets a watched folder tell "not a backup" (reported, left in place) from damage.
        await this.end(id, { status: 'failed', error: message, result: { errorName } });
      }
    } finally {
      clearTimeout(limit);
      clearInterval(cancelPoll);
      this.current = undefined;
      runningHere.delete(id);
      markEnded();
    }
    return 'ended';
  }

  /**
   * An encrypted backup's passphrase: the one given for this job in the web app, else the
   * watched folder's --passphrase-file, else an error saying where to give one.
   */
  private async passphraseFor(id: number, row: { params_json: string }, name: string): Promise<string> {
    const given = await jobPassphrase(this.vault.dir, this.control.db, id);
    if (given !== undefined) return given;
    const { sourceId, deleteAfter } = parseParams(row.params_json);
    if (sourceId === undefined) throw passphraseMissing(name, deleteAfter === true ? 'upload' : 'cli');
    const source = await this.control.db.selectFrom('sources').select(['kind', 'config_json']).where('id', '=', sourceId).executeTakeFirst();
    if (source?.kind === 'folder') {
      const config = JSON.parse(source.config_json) as { passphraseFile?: unknown };
      if (typeof config.passphraseFile === 'string') return passphraseFromFile(config.passphraseFile);
      throw passphraseMissing(name, 'folder');
    }
    throw passphraseMissing(name, 'device');
  }

  /** Puts a job that did not get to run (busy vault, shutdown) back in the queue, as it was. */
  private async requeue(id: number, attempts: number): Promise<void> {
    this.live.delete(id);
    await this.control.db
      .updateTable('jobs')
      .set({ status: 'queued', started_at: null, attempts, runner_pid: null, progress_done: 0, progress_expanded: null, cancel_requested_at: null })
      .where('id', '=', id)
      .execute();
    const job = await this.get(id);
    if (job !== undefined) this.emit('job', job);
  }

  private fileOf(file: string | null): string {
    if (file === null) throw new Error('an import job without a file: queue it again with the file to import');
    return file;
  }

  /**
   * Marks a job ended. With `onlyIf`, only when it is still in that state (false when it is not:
   * another process or request got there first). A `deleteAfter` file is deleted, unless
   * `keepFile` (a crashed job keeps its upload for a retry).
   */
  private async end(
    id: number,
    outcome: { status: 'done' | 'failed' | 'cancelled'; result?: object; error?: string; progress?: JobProgress; onlyIf?: string; keepFile?: boolean },
  ): Promise<boolean> {
    let q = this.control.db
      .updateTable('jobs')
      .set({
        status: outcome.status,
        ended_at: Date.now(),
        result_json: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error ?? null,
        runner_pid: null,
        ...(outcome.progress === undefined
          ? {}
          : {
              progress_done: outcome.progress.done,
              progress_total: outcome.progress.total,
              progress_unit: outcome.progress.unit,
              progress_expanded: outcome.progress.expanded ?? null,
            }),
      })
      .where('id', '=', id);
    if (outcome.onlyIf !== undefined) q = q.where('status', '=', outcome.onlyIf);
    const row = await q.returningAll().executeTakeFirst();
    if (row === undefined) return false;
    this.live.delete(id);
    // Used once: a retry is given the password again.
    await dropJobPassphrase(this.control.db, id);
    const params = parseParams(row.params_json);
    const keep = outcome.keepFile === true || (outcome.status === 'failed' && NEEDS_PASSPHRASE.has(errorNameOf(row.result_json) ?? ''));
    if (params.deleteAfter === true && row.file !== null && !keep) {
      // Only the queue's own copies (spooled uploads) are deleted, and only once the job ended.
      await fs.promises.rm(row.file, { force: true });
    }
    const job = jobFromRow(row);
    this.emit('job', job);
    this.emit('finished', job);
    return true;
  }
}
