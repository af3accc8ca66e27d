import { useMemo, useState, type ReactNode } from 'react';
import { apiPost, errorMessage } from '../api/client';
import { useApi } from '../api/hooks';
import type { Formats, JobAccepted, NewExport } from '../api/types';
import { useJob } from '../api/useJob';
import { formatBytes } from '../format';
import { JobProgress } from './JobProgress';

/** The formats the server writes, as [value, label] choices (GET /api/formats: its format descriptors). */
export function useExportFormats(): [string, string][] {
  const formats = useApi<Formats>('/api/formats');
  return useMemo(() => (formats.data?.exports ?? []).map((f): [string, string] => [f.id, f.label]), [formats.data]);
}

/** Starts an export job, shows its progress and, once done, the download link. */
export function useExport(): { start: (r: NewExport) => void; view: ReactNode; busy: boolean } {
  const [jobId, setJobId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { job, error: pollError, refresh } = useJob(jobId);
  const start = (r: NewExport): void => {
    setError(null);
    setJobId(null);
    apiPost<JobAccepted>('/api/exports', r)
      .then((res) => {
        setJobId(res.jobId);
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
      });
  };
  const result = job?.result ?? null;
  const name = typeof result?.downloadName === 'string' ? result.downloadName : 'export';
  const bytes = typeof result?.bytes === 'number' ? result.bytes : null;
  const view = (
    <div className="export-status">
      {job !== null && <JobProgress job={job} label="Export" onChanged={refresh} />}
      {job?.status === 'done' && (
        <p className="success" role="status">
          Export ready:{' '}
          <a href={`/api/exports/${job.id}/download`} download={name}>
            Download {name}
          </a>
          {bytes !== null && <span className="muted"> ({formatBytes(bytes)})</span>}
        </p>
      )}
      {job?.status === 'failed' && (
        <p className="error" role="alert">
          The export failed: {job.error ?? 'unknown error'}
        </p>
      )}
      {(error ?? pollError) !== null && (
        <p className="error" role="alert">
          {error ?? pollError}
        </p>
      )}
    </div>
  );
  return { start, view, busy: job !== null && (job.status === 'queued' || job.status === 'running') };
}
