import { useCallback, useEffect, useState } from 'react';
import { apiGet, errorMessage } from './client';
import type { Job } from './types';

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
