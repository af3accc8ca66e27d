/**
 * What the import's main thread and its reader worker (read-worker.ts) say to each other.
 *
 * The worker posts the header, then batches of prepared records in file order, then `done` (or
 * `failed`) with the blobs it staged. Flow control and cancellation go through a small shared
 * memory block instead of messages: the reader calls its record handler synchronously, so the
 * worker can only wait for the main thread by blocking (Atomics.wait), never by awaiting.
 */
import { InputError } from '../../formats/container.js';
import type { ReadOutcome } from '../../formats/backup-unit.js';
import { MalformedBackupError, NotABackupError } from '../../formats/errors.js';
import type { BackupHeader, ContactRecord, ReadWarning } from '../../formats/records.js';
import type { StagedBlob } from '../../blobs/blob-store.js';
import type { PreparedRecord } from './prepare-record.js';

export interface ReadJob {
  /** The backup file; the worker opens it itself and reads unit `unitIndex`. */
  file: string;
  unitIndex: number;
  blobsRoot: string;
  /** formatRegion() of the import's region. */
  region: string;
  salvage: boolean;
  /** Int32 slots, see IN_FLIGHT and ABORT. */
  control: SharedArrayBuffer;
}

/** Batches posted and not yet written by the main thread. */
export const IN_FLIGHT = 0;
/** Set to 1 by the main thread: stop reading, drop staged blobs, report `failed`. */
export const ABORT = 1;
export const CONTROL_SLOTS = 2;

export type ReadItem = PreparedRecord | { type: 'warning'; warning: ReadWarning } | { type: 'contact'; contact: ContactRecord };

export type FromWorker =
  | { type: 'header'; header: BackupHeader }
  | { type: 'batch'; items: ReadItem[]; bytes: number }
  | { type: 'done'; outcome: ReadOutcome; staged: StagedBlob[] }
  | { type: 'failed'; error: SerializedError; staged: StagedBlob[] };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  /** MalformedBackupError / NotABackupError fields. */
  file?: string;
  line?: number;
  column?: number;
  reason?: string;
  expected?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: SerializedError = { name: e.name, message: e.message };
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code === 'string') out.code = code;
  if (e instanceof MalformedBackupError) Object.assign(out, { file: e.file, line: e.line, column: e.column, reason: e.reason });
  if (e instanceof NotABackupError) Object.assign(out, { file: e.file, reason: e.reason, expected: e.expected });
  return out;
}

/** The worker's error as the same class on this side, so callers handle it exactly as before. */
export function reviveError(s: SerializedError): Error {
  let e: Error;
  if (s.name === 'MalformedBackupError' && s.file !== undefined && s.line !== undefined && s.column !== undefined && s.reason !== undefined) {
    e = new MalformedBackupError(s.file, s.line, s.column, s.reason);
  } else if (s.name === 'NotABackupError' && s.file !== undefined && s.reason !== undefined) {
    e = new NotABackupError(s.file, s.reason, s.expected);
  } else if (s.name === 'InputError') {
    e = new InputError(s.message);
  } else {
    e = new Error(s.message);
    e.name = s.name;
  }
  if (s.code !== undefined) (e as NodeJS.ErrnoException).code = s.code;
  return e;
}
