/**
 * Background jobs of a vault: imports and verifies that run one at a time, in order, survive a
 * restart, and report progress.
 *
 * Usage (the server, `textvault jobs run`, the source scheduler):
 *
 *   const queue = await JobQueue.open(vault);          // opens <vault>/control.db
 *   queue.on('job', (job) => ...);                     // any status change
 *   queue.on('progress', (job) => ...);                // live progress (~10/s while running)
 *   queue.on('finished', (job) => ...);                // done or failed
 *   await queue.start();                               // resumes jobs a crash left behind
 *   const job = await queue.enqueue({ kind: 'import', file, deleteAfter: true, originalName: 'sms.xml' });
 *   await queue.get(job.id);                           // Job, or undefined
 *   await queue.list({ limit: 50, cursor });           // { items (newest first), nextCursor }
 *   await queue.enqueue({ kind: 'verify' });
 *   await queue.enqueue({ kind: 'export', format: 'csv', conversationId: 3 });  // -> <vault>/exports/<id>/
 *   await queue.cancel(job.id);                        // queued: cancelled; running: stopped, rolled back
 *   await queue.retry(job.id);                         // a failed or cancelled job, queued again
 *   await queue.close();                               // waits for the running job, then closes
 *   await queue.close({ interrupt: true });            // shutdown: stops it; it stays queued
 *
 * Guarantees:
 * - Jobs are rows of the vault's control database (control.db), not of the archive: an import
 *   holds the archive's write lock for its whole run, and a job queued meanwhile must neither wait
 *   for it nor be rolled back with it.
 * - One job at a time per queue, oldest first. Imports take the vault's import lock; when another
 *   process holds it the job waits (stays `queued`) and is tried again.
 * - A job left `running` by a killed or crashed process is NOT re-run by itself: it is failed
 *   with a message saying so and how to retry it (`textvault jobs retry`), and an upload's file
 *   is kept a week for that. A crash in the middle of a job is most likely the job's doing (a
 *   hostile or broken file); re-running it at each start made one upload a crash loop. Nothing
 *   of the unfinished run is in the vault: each backup is imported in one transaction, and a
 *   retry skips a file already imported (same SHA-256).
 * - An orderly stop (`close({ interrupt: true })`: SIGTERM, Ctrl-C) stops the running job at
 *   once; an import is rolled back and the job stays queued for the next start.
 * - `cancel()` stops a queued or running job (also one another process runs: it polls the
 *   request); a job running longer than `jobs.time-limit` (default 1h) is stopped and failed.
 *   A stopped import is rolled back: the vault is exactly as before (a ZIP's backups that had
 *   committed already stay; each is a complete import).
 * - Progress is persisted at most once a second (`progressPersistMs`) and is live in `get()`,
 *   `list()` and the `progress` event in between.
 * - `deleteAfter: true` deletes the job's file once the job has ended, whatever the outcome: for
 *   uploads spooled to disk (`UPLOADS_DIR`), which the queue then owns. `start()` also removes
 *   spooled uploads that no job refers to (a process died while one arrived).
 */
export { CONTROL_DB_FILE } from '../control.js';
export { JobNotFoundError, JobQueue, UPLOADS_DIR, type JobEvents, type JobPage, type JobQueueOptions } from './job-queue.js';
export { jobEnded, type ExportJobInput, type ExportJobParams, type ImportJobInput, type Job, type JobInput, type JobKind, type JobProgress, type JobStatus, type ProgressUnit, type VerifyJobInput } from './job.js';
export { JobCancelledError, JobInterruptedError, JobStateError, JobTimeLimitError, UPLOAD_INTERRUPTED } from './job-errors.js';
export type { ImportJobResult, VerifyJobResult } from './run-job.js';
export { EXPORTS_DIR, type ExportJobResult } from './run-export-job.js';
export { SPOOL_NAME_SOURCE } from './upload-names.js';
