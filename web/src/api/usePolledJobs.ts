import { useEffect, useRef, useState } from 'react';
import { apiGet, errorMessage } from './client';
import type { Job, Page } from './types';

export interface PolledJobs {
  /** null until the first answer. */
  jobs: Job[] | null;
  error: string | null;
  /** Asks again now (after a Cancel or Retry). */
  reload: () => void;
}

/**
 * The newest `limit` jobs, asked for again every `pollMs(jobs)` ms (15 s after an error), and at
 * once when `version` changes or `reload()` is called. One poller for every list of jobs.
 */
export function usePolledJobs(limit: number, pollMs: (jobs: Job[]) => number, version = 0): PolledJobs {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // A policy, not data: a new function each render must not restart the poller.
  const policy = useRef(pollMs);
  policy.current = pollMs;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      apiGet<Page<Job>>(`/api/jobs?limit=${limit}`)
        .then((page) => {
          if (!live) return;
          setJobs(page.items);
          setError(null);
          timer = setTimeout(poll, policy.current(page.items));
        })
        .catch((e: unknown) => {
          if (!live) return;
          setError(errorMessage(e));
          timer = setTimeout(poll, 15_000);
        });
    };
    poll();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [limit, version, tick]);
  return {
    jobs,
    error,
    reload: () => {
      setTick((t) => t + 1);
    },
  };
}
