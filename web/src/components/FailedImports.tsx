import { useEffect, useState, type ReactNode } from 'react';
import type { Job } from '../api/types';
import { useArchive } from '../archive';
import { usePolledJobs } from '../api/usePolledJobs';
import { formatBytes, formatDateTime } from '../format';
import { JobActions, jobActive } from './JobProgress';
import { needsPassphrase, PassphrasePrompt } from './PassphrasePrompt';

/** The server's result.errorName for an upload whose body never fully arrived (docs/api.md). */
const UPLOAD_INTERRUPTED = 'UploadInterruptedError';

function interrupted(job: Job): boolean {
  return job.result?.errorName === UPLOAD_INTERRUPTED;
}

function statusLabel(job: Job): string {
  if (interrupted(job)) return 'Upload interrupted';
  if (jobActive(job)) return 'Importing with its password…';
  if (job.status === 'done') return 'Imported with its password';
  return job.status === 'cancelled' ? 'Cancelled' : 'Failed';
}

function when(job: Job): string {
  return formatDateTime(job.endedAt ?? job.createdAt);
}

/**
 * The import history's other half (issue 26 item 4): uploads and imports that failed, were
 * cancelled, or were cut off (the import runs table lists only backups that were read). Each
 * with its reason and Retry where the server kept the file, a password field for an encrypted
 * backup (the server kept it for that), else a hint to upload it again.
 * Read from the job list (the newest 100 jobs); `version` reloads it.
 */
export function FailedImports({ version, onImported }: { version: number; onImported?: () => void }): ReactNode {
  // Jobs given their password here: shown on while they run and once done, so the row does not vanish.
  const [retried, setRetried] = useState<ReadonlySet<number>>(new Set());
  // A shared archive's failed imports are its owner's to retry.
  const { readOnly } = useArchive();
  const { jobs: latest, error, reload } = usePolledJobs(100, (all) => (all.some((j) => retried.has(j.id) && jobActive(j)) ? 1000 : 15_000), version);
  const jobs = latest?.filter((j) => j.kind === 'import' && (j.status === 'failed' || j.status === 'cancelled' || retried.has(j.id))) ?? null;
  const importedCount = latest?.filter((j) => retried.has(j.id) && j.status === 'done').length ?? 0;
  useEffect(() => {
    // The page's import history shows what a password let in.
    if (importedCount > 0) onImported?.();
  }, [importedCount, onImported]);
  return (
    <section className="failed-imports" aria-labelledby="failed-imports-title">
      <h2 id="failed-imports-title">Failed and interrupted imports</h2>
      {error !== null && <p className="error" role="alert">{error}</p>}
      {jobs !== null && jobs.length === 0 && <p className="empty">None: every upload and import of late went through.</p>}
      {jobs !== null && jobs.length > 0 && (
        <div className="table-scroll">
          <table className="jobs-table failed-imports-table">
            <caption className="visually-hidden">Imports that did not complete, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">File</th>
                <th scope="col">What happened</th>
                <th scope="col">Reason</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} data-job-id={j.id} className={interrupted(j) ? 'import-interrupted' : 'import-failed'}>
                  <td>{when(j)}</td>
                  <td className="file">{j.file ?? ''}</td>
                  <td>
                    {statusLabel(j)}
                    {interrupted(j) && <span className="muted"> ({formatBytes(j.progress.done)}{j.progress.total !== null ? ` of ${formatBytes(j.progress.total)}` : ''} arrived)</span>}
                  </td>
                  <td className="job-error">{j.error ?? ''}</td>
                  <td>
                    {readOnly ? null : needsPassphrase(j) ? (
                      <PassphrasePrompt
                        job={j}
                        label={`Password of ${j.file ?? 'the backup'}`}
                        onSubmitted={() => {
                          setRetried((r) => new Set(r).add(j.id));
                          reload();
                        }}
                      />
                    ) : retried.has(j.id) && (jobActive(j) || j.status === 'done') ? null : j.retryable ? (
                      <JobActions
                        job={j}
                        label="Import"
                        onChanged={() => {
                          reload();
                        }}
                      />
                    ) : (
                      <span className="muted">Upload the file again above</span>
                    )}
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
