import type { ReactNode } from 'react';
import type { Job } from '../api/types';
import { formatBytes, formatCount } from '../format';

function amount(n: number, unit: Job['progress']['unit']): string {
  if (unit === 'bytes') return formatBytes(n);
  return `${formatCount(n)} ${unit === 'records' ? 'records' : 'files'}`;
}

export function JobProgress({ job, label }: { job: Job; label: string }): ReactNode {
  const { done, total, unit } = job.progress;
  const running = job.status === 'queued' || job.status === 'running';
  return (
    <div className="job" data-job-status={job.status}>
      <div>
        {label}: <strong>{job.status}</strong>
        {running && (
          <span className="muted">
            {' '}
            {amount(done, unit)}
            {total !== null && ` of ${amount(total, unit)}`}
          </span>
        )}
      </div>
      {running && (
        <progress max={total ?? undefined} value={total === null ? undefined : done} aria-label={`${label} progress`}>
          {total === null ? '' : `${Math.round((100 * done) / Math.max(1, total))}%`}
        </progress>
      )}
    </div>
  );
}
