/**
 * A watched folder: a backup that lands in it (synced by Syncthing, Nextcloud, a cloud drive, a
 * USB copy) is imported once it is complete, then kept, moved to done/ or deleted as configured.
 *
 * - Complete means: not a temp/partial name, and size and mtime unchanged for `settleMs`.
 * - Only the folder's top level is watched; done/ and rejected/ are never looked into.
 * - A file version (path, size, mtime) is queued once, even across restarts (folder_files); the
 *   import itself skips a file whose bytes were imported before (same SHA-256). A file that grows
 *   or is replaced by a newer backup is a new version and is imported again: only what is new is
 *   added.
 * - A file that is no backup at all is left where it is, untouched, and recorded (its name and
 *   why, never its content) so the app can show it; that version is not tried again.
 * - Only regular files: a symlink in the folder is never followed (folder-files.ts versionOf).
 * - Before it watches or scans, the folder is checked again (folder-policy.ts): never the vault's
 *   folder or its parents, and a folder added in the web app still inside the allowed folders.
 * - A folder that is missing or unreadable is never made or skipped quietly: start() and scan()
 *   throw FolderUnavailableError, and the folder vanishing while watched calls `onUnavailable`,
 *   so the source's health turns to an error at once (alerts.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Job } from '../vault/jobs/index.js';
import type { JobQueue } from '../vault/jobs/index.js';
import { assertFolderMayBeWatched, folderProblem, FolderUnavailableError } from '../vault/sources/folder-policy.js';
import { addRejectedFile, noteError, type ControlDb } from '../vault/sources/registry.js';
import type { FolderConfig } from '../vault/sources/source-config.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { DONE_DIR, isTempName, moveInto, REJECTED_DIR, sameVersion, versionOf, type FileVersion } from './folder-files.js';

export interface FolderWatcherOptions {
  sourceId: number;
  config: FolderConfig;
  queue: JobQueue;
  control: ControlDb;
  /** The vault's folder, which (and whose parents) is never watched. */
  vaultDir: string;
  /** The admin's sources.allowed-folders: a folder added in the web app must stay inside one. */
  allowedFolders: string[];
  clock?: Clock;
  /** The watched folder went away or failed while watched (the owner re-checks the source's health). */
  onUnavailable?: () => void;
}

/** What the app shows for a file that is not a backup: never its content. */
export const NOT_A_BACKUP_REASON = 'not a backup Textvault can read; it was left in the folder, untouched, and is not tried again until it changes';

interface ImportResultShape {
  backups?: { status?: string }[];
  errorName?: string;
}

export class FolderWatcher {
  private watcher: FSWatcher | undefined;
  private readonly settling = new Map<string, { timer: Timer; seen: FileVersion | undefined }>();
  private readonly clock: Clock;
  private readonly folder: string;
  private readonly onFinished = (job: Job): void => {
    if (job.sourceId !== this.options.sourceId) return;
    this.serial(() => this.afterJob(job));
  };
  private pending = Promise.resolve();

  constructor(private readonly options: FolderWatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.folder = path.resolve(options.config.path);
  }

  /** Watches continuously; resolves once the folder's current files have been seen. */
  async start(): Promise<void> {
    this.checkFolder();
    this.options.queue.on('finished', this.onFinished);
    const watcher = watch(this.folder, {
      depth: 0,
      followSymlinks: false,
      ignored: (p: string) => p !== this.folder && this.ignoredPath(p),
    });
    this.watcher = watcher;
    watcher.on('add', (p) => {
      this.touched(p);
    });
    watcher.on('change', (p) => {
      this.touched(p);
    });
    watcher.on('unlinkDir', (p) => {
      if (path.resolve(p) === this.folder) this.options.onUnavailable?.();
    });
    watcher.on('error', (e) => {
      this.fail(e);
      this.options.onUnavailable?.();
    });
    await new Promise<void>((resolve) => {
      watcher.once('ready', () => {
        resolve();
      });
    });
  }

  /**
   * One pass over the folder (a scheduled folder source, or `textvault source run`): queues every
   * file whose mtime is at least `settleMs` old. Returns how many jobs it queued.
   */
  async scan(): Promise<Job[]> {
    this.checkFolder();
    this.options.queue.on('finished', this.onFinished);
    const queued: Job[] = [];
    let names: string[];
    try {
      names = await fs.promises.readdir(this.folder);
    } catch (e) {
      throw new FolderUnavailableError(`${folderProblem(this.folder) ?? `${this.folder} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`}: check that it exists and is readable`, { cause: e });
    }
    for (const name of names.sort()) {
      const file = path.join(this.folder, name);
      if (this.ignoredPath(file)) continue;
      const v = await versionOf(file);
      if (v === undefined || this.clock.now() - v.mtimeMs < this.options.config.settleMs) continue;
      const job = await this.consider(file, v);
      if (job !== undefined) queued.push(job);
    }
    return queued;
  }

  async stop(): Promise<void> {
    this.options.queue.off('finished', this.onFinished);
    for (const s of this.settling.values()) s.timer.cancel();
    this.settling.clear();
    await this.watcher?.close();
    this.watcher = undefined;
    await this.pending;
  }

  /** Throws a SourceConfigError when the folder may not be watched (any more), a FolderUnavailableError when it is gone. */
  private checkFolder(): void {
    const problem = folderProblem(this.folder);
    if (problem !== undefined) throw new FolderUnavailableError(`${problem}: check that it exists and is readable`);
    assertFolderMayBeWatched(this.folder, { vaultDir: this.options.vaultDir, allowed: this.options.allowedFolders, fromWebApp: this.options.config.fromWebApp === true });
  }

  private ignoredPath(p: string): boolean {
    const rel = path.relative(this.folder, p);
    if (rel === '' || rel.startsWith('..')) return false;
    const first = rel.split(path.sep)[0] ?? rel;
    return first === DONE_DIR || first === REJECTED_DIR || isTempName(path.basename(p));
  }

  /** A change: (re)start the file's settle timer from the version seen now. */
  private touched(file: string): void {
    if (path.dirname(file) !== this.folder || this.ignoredPath(file)) return;
    this.settling.get(file)?.timer.cancel();
    // Claim the slot now so a timer that fires during the stat below sees it was superseded.
    const claim = { timer: { cancel: () => undefined }, seen: undefined };
    this.settling.set(file, claim);
    void versionOf(file).then((seen) => {
      if (this.settling.get(file) === claim) this.arm(file, seen);
    });
  }

  private arm(file: string, seen: FileVersion | undefined): void {
    const entry: { timer: Timer; seen: FileVersion | undefined } = { timer: { cancel: () => undefined }, seen };
    entry.timer = this.clock.setTimer(this.options.config.settleMs, () => {
      void this.settled(file, entry);
    });
    this.settling.set(file, entry);
  }

  private async settled(file: string, entry: { seen: FileVersion | undefined }): Promise<void> {
    const now = await versionOf(file);
    // A newer change arrived while we looked: its own timer decides.
    if (this.settling.get(file) !== entry) return;
    if (now === undefined) {
      this.settling.delete(file);
      return;
    }
    if (!sameVersion(now, entry.seen)) {
      // Still being written: wait another settle period from this version.
      this.arm(file, now);
      return;
    }
    this.settling.delete(file);
    this.serial(() => this.consider(file, now));
  }

  /** Work on the folder is done one step at a time, so two events never race on one file. */
  private serial(step: () => Promise<unknown>): void {
    this.pending = this.pending.then(step).then(
      () => undefined,
      (e: unknown) => {
        this.fail(e);
      },
    );
  }

  private fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    void noteError(this.options.control, this.options.sourceId, message).catch(() => undefined);
  }

  /** A complete file: queue it unless this very version was queued before. */
  private async consider(file: string, version: FileVersion): Promise<Job | undefined> {
    const db = this.options.control;
    const rel = path.basename(file);
    const known = await db.selectFrom('folder_files').selectAll().where('source_id', '=', this.options.sourceId).where('path', '=', rel).executeTakeFirst();
    if (known !== undefined && known.size === version.size && known.mtime_ms === version.mtimeMs) {
      // Queued before (maybe before a restart): finish what its job's end did not get to do.
      if (known.job_id !== null) {
        const job = await this.options.queue.get(known.job_id);
        if (job !== undefined && (job.status === 'done' || job.status === 'failed')) await this.afterJob(job);
      }
      return undefined;
    }
    const job = await this.options.queue.enqueue({ kind: 'import', file, sourceId: this.options.sourceId, originalName: rel });
    await db
      .insertInto('folder_files')
      .values({ source_id: this.options.sourceId, path: rel, size: version.size, mtime_ms: version.mtimeMs, job_id: job.id, handled_at: this.clock.now() })
      .onConflict((oc) => oc.columns(['source_id', 'path']).doUpdateSet({ size: version.size, mtime_ms: version.mtimeMs, job_id: job.id, handled_at: this.clock.now() }))
      .execute();
    return job;
  }

  /** After an import job of this folder: keep, move or delete the file it imported; report one that is no backup. */
  private async afterJob(job: Job): Promise<void> {
    const db = this.options.control;
    const row = await db.selectFrom('folder_files').selectAll().where('source_id', '=', this.options.sourceId).where('job_id', '=', job.id).executeTakeFirst();
    if (row === undefined) return;
    const file = path.join(this.folder, row.path);
    const now = await versionOf(file);
    // Gone, or replaced by a newer backup since it was queued: that version is not ours to move.
    if (!sameVersion(now, { size: row.size, mtimeMs: row.mtime_ms })) return;
    const result = (job.result ?? {}) as ImportResultShape;
    if (job.status === 'failed') {
      if (result.errorName !== 'NotABackupError') return;
      // Reported once; the row stays (without its job) so this version is not queued again.
      await addRejectedFile(db, { sourceId: this.options.sourceId, path: row.path, originalName: row.path, reason: NOT_A_BACKUP_REASON }, this.clock.now());
      await db.updateTable('folder_files').set({ job_id: null, handled_at: this.clock.now() }).where('source_id', '=', this.options.sourceId).where('path', '=', row.path).execute();
      return;
    }
    // Only a file every backup of which is in the vault, complete, may leave the folder.
    const backups = result.backups ?? [];
    const verified = backups.length > 0 && backups.every((b) => b.status === 'complete' || b.status === 'skipped');
    const action = this.options.config.afterImport;
    if (!verified || action === 'keep') return;
    if (action === 'move') await moveInto(this.folder, DONE_DIR, file);
    else await fs.promises.rm(file, { force: true });
    await db.deleteFrom('folder_files').where('source_id', '=', this.options.sourceId).where('path', '=', row.path).execute();
  }
}
