/**
 * Starts a worker thread from a module next to the caller. The compiled package runs the `.js`
 * file directly. When the sources themselves run (tests and benchmarks through tsx or vitest),
 * the module is a `.ts` file that a worker cannot load on its own, so it starts through
 * tsx-loader.mjs, which registers tsx in the worker first.
 */
import { parentPort, Worker, workerData, type WorkerOptions } from 'node:worker_threads';

interface Envelope {
  /** The module the loader imports (development only). */
  entry: string;
  data: unknown;
}

/**
 * `module` is a path relative to `callerUrl` without its extension (`./read-worker`): the
 * caller's own extension says whether the compiled or the source module runs.
 */
export function spawnWorker(module: string, callerUrl: string, data: unknown, options: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const moduleUrl = new URL(`${module}${fromSource ? '.ts' : '.js'}`, callerUrl);
  const envelope: Envelope = { entry: moduleUrl.href, data };
  return new Worker(fromSource ? new URL('./tsx-loader.mjs', import.meta.url) : moduleUrl, { ...options, workerData: envelope });
}

/** Inside a worker started by spawnWorker: the job it was given, and how to answer its parent. */
// The type parameters say what the caller sent and accepts; the values are not checked here.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function workerSide<Job, Message>(module: string): { job: Job; post: (message: Message, transfer?: ArrayBuffer[]) => void } {
  const port = parentPort;
  if (port === null) throw new Error(`${module} runs as a worker thread (see spawnWorker)`);
  return {
    job: (workerData as Envelope).data as Job,
    post: (message, transfer) => {
      port.postMessage(message, transfer);
    },
  };
}
