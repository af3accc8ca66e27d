/**
 * Reads a backup unit in a worker thread (read-worker.ts) and feeds its prepared records to the
 * caller on this thread, in file order. Resolves like BackupUnit.read: with the unit's digest,
 * or rejects with the reader's error (the same error class). The blobs the worker staged are
 * adopted into this thread's blob store either way, so the import commits or discards them as
 * if it had staged them itself.
 */
import type { ReadOutcome } from '../../formats/backup-unit.js';
import type { BackupHeader } from '../../formats/records.js';
import type { BlobStore } from '../../blobs/blob-store.js';
import { spawnWorker } from '../threads/spawn-worker.js';
import { reviveError } from '../threads/thread-errors.js';
import { decodeBatch } from './batch-codec.js';
import { ABORT, CONTROL_SLOTS, IN_FLIGHT, type FromWorker, type ReadItem } from './read-protocol.js';

export interface WorkerReadContext {
  file: string;
  unitIndex: number;
  region: string;
  salvage: boolean;
  onBytes(n: number): void;
  header(h: BackupHeader): void;
  /** Called synchronously for every record and warning; a throw cancels the read. */
  item(i: ReadItem): void;
}

/**
 * The worker's heap. It holds a few batches, the reader's buffers and the blob store's small
 * media waiting to be written, never a whole large media value (those stream to the blob store),
 * so a small heap keeps the import's peak memory down. 32 MB was too little for an MMS file
 * (the worker test's media-heavy file ran out); 64 MB keeps a 1M-SMS import at ~254 MB.
 */
const WORKER_OLD_MB = 64;
const WORKER_YOUNG_MB = 16;

export function readInWorker(blobs: BlobStore, ctx: WorkerReadContext): Promise<ReadOutcome> {
  const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const slots = new Int32Array(control);
  const worker = spawnWorker(
    './read-worker',
    import.meta.url,
    { file: ctx.file, unitIndex: ctx.unitIndex, blobsRoot: blobs.root, region: ctx.region, salvage: ctx.salvage, control },
    { resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } },
  );
  return new Promise<ReadOutcome>((resolve, reject) => {
    /** Set when this side failed: the worker is told to stop, and this is what the read rejects with. */
    let failure: Error | undefined;
    let settled = false;
    const end = (outcome: ReadOutcome | Error): void => {
      if (settled) return;
      settled = true;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const cancel = (e: unknown): void => {
      if (failure !== undefined) return;
      failure = e instanceof Error ? e : new Error(String(e));
      Atomics.store(slots, ABORT, 1);
      Atomics.notify(slots, IN_FLIGHT);
    };
    worker.on('message', (m: FromWorker) => {
      try {
        if (m.type === 'done' || m.type === 'failed') {
          blobs.adopt(m.staged);
          end(failure ?? (m.type === 'done' ? m.outcome : reviveError(m.error)));
          return;
        }
        if (failure !== undefined) return;
        if (m.type === 'header') {
          ctx.header(m.header);
          return;
        }
        try {
          decodeBatch(m.batch, (item) => {
            ctx.item(item);
          });
          ctx.onBytes(m.bytes);
        } finally {
          Atomics.sub(slots, IN_FLIGHT, 1);
          Atomics.notify(slots, IN_FLIGHT);
        }
      } catch (e) {
        cancel(e);
      }
    });
    worker.on('error', (e) => {
      end(failure ?? e);
    });
    worker.on('exit', (code) => {
      end(failure ?? new Error(`${ctx.file}: the reader thread stopped unexpectedly (exit code ${code})`));
    });
  });
}
