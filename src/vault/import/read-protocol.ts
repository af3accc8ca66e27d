/**
 * What the import's main thread and its reader worker (read-worker.ts) say to each other.
 *
 * The worker posts the header, then batches of prepared records in file order, then `done` (or
 * `failed`) with the blobs it staged. Flow control and cancellation go through a small shared
 * memory block instead of messages: the reader calls its record handler synchronously, so the
 * worker can only wait for the main thread by blocking (Atomics.wait), never by awaiting.
 */
import type { BodyCheckpoint, ReadOutcome } from '../../formats/backup-unit.js';
import type { InputLimits } from '../../formats/limits.js';
import type { BackupHeader, ContactRecord, ReadWarning } from '../../formats/records.js';
import type { HandedOverBlob, MediaStoreLocation } from '../../blobs/media-store.js';
import type { SerializedError } from '../threads/thread-errors.js';
import type { WireBatch } from './batch-codec.js';
import type { PreparedRecord } from './prepare-record.js';

export interface ReadJob {
  /** The backup file; the worker opens it itself and reads unit `unitIndex`. */
  file: string;
  unitIndex: number;
  /** The vault's media store, opened again by the worker (blobs/open-media-store.ts). */
  media: MediaStoreLocation;
  /** formatRegion() of the import's region. */
  region: string;
  salvage: boolean;
  /** The vault's input limits, applied by the worker's reader. */
  limits: InputLimits;
  /** See ReadContext.knownPrefixes and checkpointEvery. */
  knownPrefixes?: readonly (readonly BodyCheckpoint[])[];
  checkpointEvery?: number;
  /** Int32 slots, see IN_FLIGHT and ABORT. */
  control: SharedArrayBuffer;
}

/** Batches posted and not yet written by the main thread. */
export const IN_FLIGHT = 0;
/** Set to 1 by the main thread: stop reading, drop staged blobs, report `failed`. */
export const ABORT = 1;
export const CONTROL_SLOTS = 2;

export type ReadItem =
  | PreparedRecord
  | { type: 'warning'; warning: ReadWarning }
  | { type: 'contact'; contact: ContactRecord }
  | { type: 'checkpoint'; checkpoint: BodyCheckpoint }
  | { type: 'resumed'; checkpoint: BodyCheckpoint };

export type FromWorker =
  | { type: 'header'; header: BackupHeader }
  | { type: 'batch'; batch: WireBatch; bytes: number; expanded: number }
  | { type: 'done'; outcome: ReadOutcome; staged: HandedOverBlob[] }
  | { type: 'failed'; error: SerializedError; staged: HandedOverBlob[] };
