/**
 * The job shape the API and the CLI show (see docs/api.md, "Backups and jobs"), and how a job row
 * of the control database becomes one.
 */
import type { Selectable } from 'kysely';
import type { JobsTable } from '../../store/control-schema.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/export-formats.js';
import type { ExportKind } from '../export/selection.js';
import { CRASHED } from './job-errors.js';

export type JobKind = 'import' | 'verify' | 'export' | 'snapshot';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A job in one of these states will not change again (unless someone retries it). */
export function jobEnded(status: JobStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}
export type ProgressUnit = 'bytes' | 'blobs' | 'records' | 'files';

export interface JobProgress {
  done: number;
  total: number | null;
  unit: ProgressUnit;
  /**
   * Imports: bytes of content read after decompression so far (`done` counts bytes of the file on
   * disk). Equal to `done` for a plain file; for a ZIP or gzip it shows how far it inflates.
   */
  expanded?: number;
}

export interface Job {
  id: number;
  kind: JobKind;
  status: JobStatus;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  progress: JobProgress;
  /** The file an import reads: its original name when it was uploaded, else its path. */
  file: string | null;
  /** Import: `{ backups: ImportResult[] }`; verify: the verify report; export: ExportJobResult; snapshot: SnapshotResult. */
  result: object | null;
  error: string | null;
  /** The source that delivered the file, if any. */
  sourceId: number | null;
  /** Someone asked to cancel the running job; it stops at its next step. */
  cancelRequested: boolean;
  /**
   * `textvault jobs retry` (or the API's retry) can run it again: it failed or was cancelled and
   * its input is still there (an upload's spooled file is deleted when its job ends, except
   * after a crash, when it is kept for this).
   */
  retryable: boolean;
}

export interface ImportJobInput {
  kind: 'import';
  /** The file to import (absolute or relative to the working directory). */
  file: string;
  /** Delete the file once the job has ended (done or failed): for spooled uploads the queue owns. */
  deleteAfter?: boolean;
  /** The source that delivered the file: its backups take part in "deleted on phone" tracking. */
  sourceId?: number;
  /** The name to show instead of the path (an upload's file name). */
  originalName?: string;
}

export interface VerifyJobInput {
  kind: 'verify';
}

/** A snapshot of the vault with the settings `textvault snapshot schedule` keeps (folder, key, --keep). */
export interface SnapshotJobInput {
  kind: 'snapshot';
}

/** What an export job writes: a format and the same selection as `textvault export`. */
export interface ExportJobParams {
  format: ExportFormat;
  conversationId?: number;
  contact?: string;
  /** Inclusive, ms since the epoch. */
  since?: number;
  /** Exclusive, ms since the epoch. */
  until?: number;
  /** Default: everything (sms, mms, calls). */
  kinds?: ExportKind[];
  /** csv: formula-like text exactly, without the leading `'` (formats/csv/writer.ts). */
  csvRaw?: boolean;
}

export interface ExportJobInput extends ExportJobParams {
  kind: 'export';
}

export type JobInput = ImportJobInput | VerifyJobInput | ExportJobInput | SnapshotJobInput;

/** What an import job keeps besides `file`. */
export interface ImportParams {
  deleteAfter?: boolean;
  sourceId?: number;
  originalName?: string;
  /** Export jobs: what to export. */
  export?: ExportJobParams;
}

const KINDS: readonly ExportKind[] = ['sms', 'mms', 'calls'];

function parseExport(v: unknown): ExportJobParams | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const format = EXPORT_FORMATS.find((f) => f === o.format);
  if (format === undefined) return undefined;
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const conversationId = num(o.conversationId);
  const since = num(o.since);
  const until = num(o.until);
  const kinds = Array.isArray(o.kinds) ? KINDS.filter((k) => (o.kinds as unknown[]).includes(k)) : undefined;
  return {
    format,
    ...(conversationId === undefined ? {} : { conversationId }),
    ...(typeof o.contact === 'string' ? { contact: o.contact } : {}),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(kinds === undefined ? {} : { kinds }),
    ...(o.csvRaw === true ? { csvRaw: true } : {}),
  };
}

export function parseParams(json: string): ImportParams {
  const v = JSON.parse(json) as unknown;
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Record<string, unknown>;
  return {
    ...(typeof o.deleteAfter === 'boolean' ? { deleteAfter: o.deleteAfter } : {}),
    ...(typeof o.sourceId === 'number' ? { sourceId: o.sourceId } : {}),
    ...(typeof o.originalName === 'string' ? { originalName: o.originalName } : {}),
    ...(parseExport(o.export) === undefined ? {} : { export: parseExport(o.export) }),
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function jobFromRow(r: Selectable<JobsTable>): Job {
  const params = parseParams(r.params_json);
  return {
    id: r.id,
    kind: asKind(r.kind),
    status: asStatus(r.status),
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: iso(r.started_at),
    endedAt: iso(r.ended_at),
    progress: {
      done: r.progress_done,
      total: r.progress_total,
      unit: r.progress_unit === 'blobs' || r.progress_unit === 'records' || r.progress_unit === 'files' ? r.progress_unit : 'bytes',
      ...(r.progress_expanded === null ? {} : { expanded: r.progress_expanded }),
    },
    file: params.originalName ?? r.file,
    result: r.result_json === null ? null : (JSON.parse(r.result_json) as object),
    error: r.error,
    sourceId: params.sourceId ?? null,
    cancelRequested: r.status === 'running' && r.cancel_requested_at !== null,
    retryable: isRetryable(r),
  };
}

function asKind(k: string): JobKind {
  return k === 'verify' || k === 'export' || k === 'snapshot' ? k : 'import';
}

function asStatus(s: string): JobStatus {
  return s === 'queued' || s === 'running' || s === 'done' || s === 'cancelled' ? s : 'failed';
}

/** The name of the error a job ended with (kept in its result), if any. */
export function errorNameOf(resultJson: string | null): string | undefined {
  if (resultJson === null) return undefined;
  const v = JSON.parse(resultJson) as unknown;
  return typeof v === 'object' && v !== null && 'errorName' in v && typeof v.errorName === 'string' ? v.errorName : undefined;
}

/**
 * Whether the job can run again: it failed or was cancelled, and an import's file was not a
 * spooled upload deleted at the job's end (a crashed job keeps its upload; see CRASHED).
 */
export function isRetryable(r: Pick<Selectable<JobsTable>, 'status' | 'kind' | 'params_json' | 'result_json'>): boolean {
  if (r.status !== 'failed' && r.status !== 'cancelled') return false;
  if (r.kind !== 'import' || parseParams(r.params_json).deleteAfter !== true) return true;
  return errorNameOf(r.result_json) === CRASHED;
}
