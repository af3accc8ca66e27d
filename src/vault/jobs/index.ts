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
 *   await queue.close();                               // waits for the running job, then closes
 *
 * Guarantees:
 * - Jobs are rows of the vault's control database (control.db), not of the archive: an import
 *   holds the archive's write lock for its whole run, and a job queued meanwhile must neither wait
 *   for it nor be rolled back with it.
 * - One job at a time per queue, oldest first. Imports take the vault's import lock; when another
 *   process holds it the job waits (stays `queued`) and is tried again.
 * - A job left `running` by a killed process is re-run from scratch at the next `start()`. That is
 *   safe: each backup is imported in one transaction, and a file already imported (same SHA-256)
 *   is skipped. A job interrupted three times is failed rather than retried forever.
 * - Progress is persisted at most once a second (`progressPersistMs`) and is live in `get()`,
 *   `list()` and the `progress` event in between.
 * - `deleteAfter: true` deletes the job's file once the job has ended, whatever the outcome: for
 *   uploads spooled to disk (`UPLOADS_DIR`), which the queue then owns. `start()` also removes
 *   spooled uploads that no job refers to (a process died while one arrived).
 */
export { CONTROL_DB_FILE } from '../control.js';
export { JobNotFoundError, JobQueue, UPLOADS_DIR, type JobEvents, type JobPage, type JobQueueOptions } from './job-queue.js';
export type { ExportJobInput, ExportJobParams, ImportJobInput, Job, JobInput, JobKind, JobProgress, JobStatus, ProgressUnit, VerifyJobInput } from './job.js';
export type { ImportJobResult, VerifyJobResult } from './run-job.js';
export { EXPORTS_DIR, type ExportJobResult } from './run-export-job.js';
