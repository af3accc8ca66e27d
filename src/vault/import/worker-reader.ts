/**
 * Whether a backup unit is read in a worker thread (readsInWorker), and reading it there
 * (readInWorker): the worker (read-worker.ts) feeds its prepared records to the caller on this
 * thread, in file order. That resolves like BackupUnit.read, with the unit's digest, or rejects
 * with the reader's error (the same error class). The blobs the worker staged are adopted into
 * this thread's blob store either way, so the import commits or discards them as if it had
 * staged them itself.
 */
import type { BackupUnit, BodyCheckpoint, ReadOutcome } from '../../formats/backup-unit.js';
import { findFormat } from '../../formats/formats.js';
import type { InputLimits } from '../../formats/limits.js';
import type { BackupHeader } from '../../formats/records.js';
import type { MediaStore } from '../../blobs/media-store.js';
import { spawnWorker } from '../threads/spawn-worker.js';
import { reviveError } from '../threads/thread-errors.js';
import { BatchDecoder } from './batch-codec.js';
import { ABORT, CONTROL_SLOTS, IN_FLIGHT, type FromWorker, type ReadItem } from './read-protocol.js';

/** A unit that a worker thread can open again by itself: the `index`th unit of openBackup(file). */
export interface UnitOrigin {
  file: string;
  index: number;
}

/** Below this a worker's start-up (tens of milliseconds) costs more than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** How much of the file's start is looked at to tell a text-heavy backup from a media-heavy one. */
const SAMPLE_CHARS = 1024 * 1024;
/** A file whose sample is this much media (or more) is media-heavy (the MMS benchmark file: 98%). */
const MEDIA_HEAVY = 0.9;
/** Base64 runs at least this long are media. */
const MEDIA_RUN = /[A-Za-z0-9+/=]{2048,}/g;

/**
 * A worker pays off where records are many (reading, hashing and serialising them costs as much
 * as writing them to SQLite), new or not: 200,000 SMS read again into a vault that has them took
 * 3.5 s with the worker, 3.8 s on one thread (it was the other way round, 34.7 s vs 30.8 s for
 * 1M, before batches became small). A backup that is nearly all media stays on this thread: the
 * worker reads it ~10% slower than this thread does (MMS benchmark file: 3.4-3.8 s vs 3.2-3.5 s).
 */
export async function readsInWorker(entry: BackupUnit, mode: 'auto' | 'worker' | 'thread' | 'untrusted'): Promise<boolean> {
  // A file from outside (an upload, a watched folder) is read where a heap limit holds, whatever
  // its size or content: a few hundred KB of gzip can hold records that would fill this
  // thread's heap and end the whole server (the input limits bound them too; this is the
  // second wall). Any format read from a file will do (the worker reopens it by itself); the
  // caller keeps a decrypted copy's units on this thread, which alone holds the passphrase.
  if (mode === 'untrusted') return findFormat(entry.format)?.open !== undefined;
  // Only formats whose units a worker reopens from the file alone (the descriptor's `worker`).
  if (mode === 'thread' || findFormat(entry.format)?.worker !== true) return false;
  if (mode === 'worker') return true;
  if (entry.sizeOnDisk < WORKER_MIN_BYTES) return false;
  const sample = await entry.sampleText(SAMPLE_CHARS);
  let media = 0;
  for (const m of sample.matchAll(MEDIA_RUN)) media += m[0].length;
  return media < sample.length * MEDIA_HEAVY;
}

export interface WorkerReadContext {
  file: string;
  unitIndex: number;
  region: string;
  salvage: boolean;
  limits: InputLimits;
  /** See ReadContext.knownPrefixes and checkpointEvery. */
  knownPrefixes?: readonly (readonly BodyCheckpoint[])[];
  checkpointEvery?: number;
  /** Stops the read: the worker is told to stop, and ended if it has not within ABORT_GRACE_MS. */
  signal?: AbortSignal;
  onBytes(n: number): void;
  /** Decompressed bytes the reader consumed (see ReadContext.onExpanded). */
  onExpanded?(n: number): void;
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
/**
 * A record of the largest size the limits admit is held a few times over while it is read,
 * prepared and encoded (pieces, the joined value, the stored form, the batch). Measured with one
 * SMS or MMS of N MiB of text read in the worker: 15 MiB fit in 64 MB, 30 MiB needed more than 64
 * and fit in 152, 60 MiB needed more than 128 and fit in 272. So the heap grows with a raised
 * record limit, by this much per character, from this base.
 */
const HEAP_PER_RECORD_CHAR = 4;
const HEAP_BASE_MB = 32;

/** The worker's old-generation heap for these limits, in MB (96 with the default limits). */
export function workerHeapMb(limits: InputLimits): number {
  return Math.max(WORKER_OLD_MB, HEAP_BASE_MB + Math.ceil((limits.maxRecordChars * HEAP_PER_RECORD_CHAR) / (1024 * 1024)));
}

/**
 * How long a worker told to stop may take to notice it (it looks between records and while it
 * waits for the main thread) before it is terminated. A reader busy inside one huge record or an
 * inflating ZIP entry never looks; terminating it is as safe as a killed process (its staged
 * blobs are temp files the next import removes, see MediaStore.beginImport).
 */
const ABORT_GRACE_MS = 1000;

export function readInWorker(blobs: MediaStore, ctx: WorkerReadContext): Promise<ReadOutcome> {
  const heapMb = workerHeapMb(ctx.limits);
  const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const slots = new Int32Array(control);
  const worker = spawnWorker(
    './read-worker',
    import.meta.url,
    {
      file: ctx.file,
      unitIndex: ctx.unitIndex,
      media: blobs.location,
      region: ctx.region,
      salvage: ctx.salvage,
      limits: ctx.limits,
      ...(ctx.knownPrefixes === undefined ? {} : { knownPrefixes: ctx.knownPrefixes }),
      ...(ctx.checkpointEvery === undefined ? {} : { checkpointEvery: ctx.checkpointEvery }),
      control,
    },
    { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } },
  );
  const decoder = new BatchDecoder();
  return new Promise<ReadOutcome>((resolve, reject) => {
    /** Set when this side failed: the worker is told to stop, and this is what the read rejects with. */
    let failure: Error | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cancel(ctx.signal?.reason);
      graceTimer = setTimeout(() => {
        void worker.terminate();
      }, ABORT_GRACE_MS);
    };
    const end = (outcome: ReadOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      ctx.signal?.removeEventListener('abort', onAbort);
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
          decoder.decode(m.batch, (item) => {
            ctx.item(item);
          });
          if (m.expanded > 0) ctx.onExpanded?.(m.expanded);
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
      end(failure ?? workerError(ctx.file, e, heapMb));
    });
    worker.on('exit', (code) => {
      end(failure ?? new Error(`${ctx.file}: the reader thread stopped unexpectedly (exit code ${code})`));
    });
    if (ctx.signal?.aborted === true) onAbort();
    else ctx.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The worker's own failure, said so that a user knows what happened: its heap limit, mostly. */
function workerError(file: string, e: Error, heapMb: number): Error {
  if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return e;
  return new ReaderMemoryError(
    `${file}: reading it needed more than the reader thread's ${String(heapMb)} MB of memory; nothing from this backup was kept. ` +
      'The import limits (textvault config list: import.*) bound what one record may hold; lower them, or split the backup',
  );
}

/** The reader thread ran out of its heap: the process itself is unharmed. */
export class ReaderMemoryError extends Error {
  override readonly name = 'ReaderMemoryError';
}
