import { useState, type ReactNode } from 'react';
import { apiPost, errorMessage } from '../api/client';
import type { Job } from '../api/types';
import { useArchive } from '../archive';
import { countNoun, formatBytes, inflatedText } from '../format';

function amount(n: number, unit: Job['progress']['unit']): string {
  if (unit === 'bytes') return formatBytes(n);
  return unit === 'records' ? countNoun(n, 'record') : countNoun(n, 'file');
}

export function jobActive(job: Job): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/**
 * Cancel (a queued or running job) and Retry (a failed or cancelled one the server can run
 * again) for one job. `onChanged` runs once the server accepted either, to poll the job again.
 */
export function JobActions({ job, label, onChanged }: { job: Job; label: string; onChanged?: () => void }): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { readOnly } = useArchive();
  const id = job.id;
  const act = (what: 'cancel' | 'retry'): void => {
    setBusy(true);
    setError(null);
    apiPost<Job>(`/api/jobs/${id}/${what}`)
      .then(() => {
        onChanged?.();
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };
  const stopping = job.cancelRequested;
  // Someone else's archive, shared read-only: its jobs are theirs to cancel or retry.
  if (readOnly) return null;
  return (
    <span className="job-actions">
      {jobActive(job) && (
        <button
          type="button"
          disabled={busy || stopping}
          aria-label={`Cancel ${label.toLowerCase()} job ${String(job.id)}`}
          onClick={() => {
            act('cancel');
          }}
        >
          {stopping ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      {job.retryable && (
        <button
          type="button"
          disabled={busy}
          aria-label={`Retry ${label.toLowerCase()} job ${String(job.id)}`}
          onClick={() => {
            act('retry');
          }}
        >
          Retry
        </button>
      )}
      {error !== null && (
        <span className="error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </span>
  );
}

export function JobProgress({ job, label, onChanged }: { job: Job; label: string; onChanged?: () => void }): ReactNode {
  const { done, total, unit } = job.progress;
  const running = jobActive(job);
  return (
    <div className="job" data-job-status={job.status}>
      <div>
        {label}: <strong>{job.status}</strong>
        {running && (
          <span className="muted">
            {' '}
            {amount(done, unit)}
            {total !== null && ` of ${amount(total, unit)}`}
            {inflatedText(job.progress)}
          </span>
        )}{' '}
        <JobActions job={job} label={label} {...(onChanged === undefined ? {} : { onChanged })} />
      </div>
      {running && (
        <progress max={total ?? undefined} value={total === null ? undefined : done} aria-label={`${label} progress`}>
          {total === null ? '' : `${Math.round((100 * done) / Math.max(1, total))}%`}
        </progress>
      )}
    </div>
  );
}
