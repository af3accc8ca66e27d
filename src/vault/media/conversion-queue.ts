/**
 * At most `concurrency` conversions at a time, and at most `maxWaiting` waiting: a thread of 500
 * HEIC photos queues their thumbnails instead of starting 500 decoders, and a flood of requests
 * is refused (ConverterBusyError, a 503 the browser retries) instead of queueing without end.
 * The same key asked for twice while it runs or waits shares one run.
 */

export class ConverterBusyError extends Error {
  override readonly name = 'ConverterBusyError';
  constructor() {
    super('the server is converting many media files right now; try again in a moment');
  }
}

export class ConversionQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const shared = this.inFlight.get(key);
    if (shared !== undefined) return shared as Promise<T>;
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) return Promise.reject(new ConverterBusyError());
    const p = this.slot().then(async () => {
      try {
        return await work();
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
    });
    this.inFlight.set(key, p);
    const forget = (): void => {
      this.inFlight.delete(key);
    };
    p.then(forget, forget);
    return p;
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.running++;
        resolve();
      });
    });
  }
}
