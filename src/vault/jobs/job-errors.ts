/**
 * Why a job stopped before its end, and why a job cannot be cancelled or retried. The reasons a
 * run is stopped are AbortSignal reasons: the running import (or verify, or export) sees them
 * through its signal, and the queue decides from the class what becomes of the job.
 */
import { formatDuration } from '../durations.js';

/** A job's current state does not allow the request (cancel a job that ended, retry one that is running). */
export class JobStateError extends Error {
  override readonly name = 'JobStateError';
}

/** Someone cancelled the job (`textvault jobs cancel`, the API, the web app). */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
  constructor() {
    super('cancelled while it ran; nothing from it was kept (an import is rolled back: the vault is as it was before)');
  }
}

/** The job ran longer than `jobs.time-limit`. */
export class JobTimeLimitError extends Error {
  override readonly name = 'JobTimeLimitError';
  constructor(readonly limitMs: number) {
    super(
      `stopped after ${formatDuration(limitMs)}, the longest a job may run (setting jobs.time-limit); nothing from it was kept. ` +
        'If the file is a real backup that needs longer, raise the limit (textvault config set jobs.time-limit 3h) and run it again',
    );
  }
}

/** The process is shutting down (SIGTERM, Ctrl-C): the job goes back to the queue, it did nothing wrong. */
export class JobInterruptedError extends Error {
  override readonly name = 'JobInterruptedError';
  constructor() {
    super('the process running the job is shutting down; the job runs again at the next start');
  }
}

/**
 * Name kept in the result of an upload that never became a job: the request's body stopped
 * before its end (the page was closed or reloaded, the connection dropped or stalled). Recorded as a failed import so that it shows in the
 * job list; nothing of it was kept, so it cannot be retried: the file must be sent again.
 */
export const UPLOAD_INTERRUPTED = 'UploadInterruptedError';

/** Name kept in a crashed job's result: its file is kept so that `jobs retry` can run it again. */
export const CRASHED = 'JobCrashedError';

export function crashMessage(id: number, what: string): string {
  return (
    `the process running this job stopped in the middle of it (${what}): it was killed or crashed, and nothing from the unfinished run was kept. ` +
    'It was not run again by itself, because a file that crashes the server would crash it again at every start. ' +
    `If the stop had another cause (power cut, a restart), run it again: textvault jobs retry ${id}, or Retry in the web app`
  );
}
