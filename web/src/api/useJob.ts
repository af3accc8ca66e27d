import { useCallback, useEffect, useState } from 'react';
import { apiGet, apiPost, errorMessage } from './client';
import type { Job, JobAccepted } from './types';

/**
 * Polls GET /api/jobs/:id until the job has ended (live progress for imports, verify, exports).
 * `refresh` polls again, e.g. after a retry queued the job anew.
 */
export function useJob(jobId: number | null, intervalMs = 500): { job: Job | null; error: string | null; refresh: () => void } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => {
    setTick((t) => t + 1);
  }, []);
  useEffect(() => {
    setJob(null);
    setError(null);
    if (jobId === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      apiGet<Job>(`/api/jobs/${jobId}`)
        .then((j) => {
          if (!live) return;
          setJob(j);
          if (j.status === 'queued' || j.status === 'running') timer = setTimeout(poll, intervalMs);
        })
        .catch((e: unknown) => {
          if (live) setError(errorMessage(e));
        });
    };
    poll();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [jobId, intervalMs, tick]);
  return { job, error, refresh };
}

/**
 * A button's job: `start()` POSTs to `path` (which answers `{ jobId }`), then the job is polled
 * as useJob does; `error` is the POST's refusal in the server's words.
 */
export function useStartedJob(path: string): { job: Job | null; running: boolean; error: string | null; start: () => void; refresh: () => void } {
  const [jobId, setJobId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { job, refresh } = useJob(jobId);
  const start = useCallback(() => {
    setError(null);
    apiPost<JobAccepted>(path)
      .then((r) => {
        setJobId(r.jobId);
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
      });
  }, [path]);
  const running = job !== null && (job.status === 'queued' || job.status === 'running');
  return { job, running, error, start, refresh };
}
