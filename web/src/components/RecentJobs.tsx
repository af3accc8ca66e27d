import type { ReactNode } from 'react';
import type { Job } from '../api/types';
import { usePolledJobs } from '../api/usePolledJobs';
import { formatBytes, formatCount, inflatedText } from '../format';
import { jobActive, JobActions } from './JobProgress';

const KIND_LABEL: Record<Job['kind'], string> = { import: 'Import', verify: 'Verify', export: 'Export', snapshot: 'Snapshot' };

function progressText(job: Job): string {
  if (!jobActive(job)) return '';
  const { done, total, unit } = job.progress;
  const show = (n: number): string => (unit === 'bytes' ? formatBytes(n) : formatCount(n));
  return (total === null || total === 0 ? show(done) : `${Math.floor((100 * done) / total)}%`) + inflatedText(job.progress);
}

/**
 * The latest jobs, whoever started them (this page, a phone's upload, a watched folder), with
 * Cancel and Retry: the one place to stop an upload that ties up the queue or to run again a job
 * the server crashed on. Polled every 2 s while one is queued or running, else every 15 s.
 */
export function RecentJobs(): ReactNode {
  const polled = usePolledJobs(10, (jobs) => (jobs.some(jobActive) ? 2000 : 15_000));
  const jobs = polled.jobs ?? [];
  const { error, reload } = polled;
  return (
    <section className="recent-jobs" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      {error !== null && <p className="error" role="alert">{error}</p>}
      {jobs.length === 0 && error === null && <p className="empty">No jobs yet.</p>}
      {jobs.length > 0 && (
        <div className="table-scroll">
          <table className="jobs-table">
            <caption className="visually-hidden">The latest background jobs</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">What</th>
                <th scope="col">Status</th>
                <th scope="col">Message</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} data-job-id={j.id} data-job-status={j.status}>
                  <td>#{j.id}</td>
                  <td className="file">
                    {KIND_LABEL[j.kind]}
                    {j.file !== null && ` ${j.file}`}
                  </td>
                  <td>
                    {j.status}
                    {j.cancelRequested ? ' (cancelling)' : ''} <span className="muted">{progressText(j)}</span>
                  </td>
                  <td className="job-error">{j.error ?? ''}</td>
                  <td>
                    <JobActions job={j} label={KIND_LABEL[j.kind]} onChanged={reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
