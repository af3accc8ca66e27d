// Development only (see spawn-worker.ts): lets a worker thread run a TypeScript module.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
