/**
 * Time as the scheduler and the alert checks see it. Tests pass a manual clock and move it
 * forward instead of waiting hours for a cron schedule to come round.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  setTimer(ms: number, fn: () => void): Timer;
}

/** setTimeout can wait at most ~24.8 days; a longer wait is done in steps. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    let handle: NodeJS.Timeout;
    const due = Date.now() + ms;
    const arm = (): void => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMEOUT ? arm : fn, Math.max(0, Math.min(left, MAX_TIMEOUT)));
      handle.unref();
    };
    arm();
    return {
      cancel: () => {
        clearTimeout(handle);
      },
    };
  },
};
