/** Polls `probe` until it returns something other than undefined. */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      Promise.resolve(probe()).then(
        (v) => {
          if (v !== undefined) resolve(v);
          else if (Date.now() > until) reject(new Error(`timed out waiting for ${what}`));
          else setTimeout(tick, 25);
        },
        reject,
      );
    };
    tick();
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
