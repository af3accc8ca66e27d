/**
 * Background work (docs/api.md "Backups and jobs", "Exports"): uploads, verify, exports and the
 * job list, the vault's own snapshots, and the formats the server reads and writes.
 */
import { z } from 'zod';
import { EpochMs, pageOf } from './common.js';

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

export const Job = z.strictObject({
  id: z.number().int(),
  kind: z.enum(['import', 'verify', 'export', 'snapshot']),
  status: z.enum(JOB_STATUSES),
  createdAt: EpochMs,
  startedAt: EpochMs.nullable(),
  endedAt: EpochMs.nullable(),
  /** `expanded`: an import's bytes after decompression so far (docs/api.md). */
  progress: z.strictObject({ done: z.number(), total: z.number().nullable(), unit: z.enum(['bytes', 'blobs', 'records', 'files']), expanded: z.number().optional() }),
  /** An upload's own name; else the path the job reads. */
  file: z.string().nullable(),
  /** Import: `{ backups }`; verify: the report (`problems`); export: the download; a failure: `errorName`. */
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  /** Why a failed job failed, when the client can act on it (passphrase_required, wrong_passphrase). */
  errorCode: z.string().nullable(),
  /** A cancel was asked for; the job stops at its next step. */
  cancelRequested: z.boolean(),
  /** POST /api/jobs/:id/retry can run it again. */
  retryable: z.boolean(),
});
export const JobPage = pageOf(Job);

/** POST /api/uploads?name=FILE: the file's name (the body is the raw file). */
export const UploadQuery = z.object({ name: z.string().max(1000).optional() });

/**
 * POST /api/jobs/:id/passphrase: the password of an encrypted backup whose import failed asking
 * for it (errorCode passphrase_required / wrong_passphrase). Sealed until the job ends; never returned.
 */
export const JobPassphrase = z.strictObject({ passphrase: z.string().min(1, 'enter the password').max(1024) });

export const VerifyProblem = z.strictObject({ kind: z.string(), message: z.string() });

/** POST /api/exports. `format`: one of GET /api/formats' exports (the server checks the list). */
export const EXPORT_KINDS = ['sms', 'mms', 'calls'] as const;
export const NewExport = z.strictObject({
  format: z.string().min(1).max(40),
  conversationId: z.number().int().positive().optional(),
  contact: z.string().min(1).max(200).optional(),
  /** Epoch ms, inclusive. */
  since: EpochMs.optional(),
  /** Epoch ms, exclusive. */
  until: EpochMs.optional(),
  kinds: z.array(z.enum(EXPORT_KINDS)).max(3).optional(),
  /** csv: write formula-like text exactly instead of neutralised with a leading `'`. */
  csvRaw: z.boolean().optional(),
});

/** GET /api/snapshots/status: the vault's own backups (textvault snapshot). */
export const SnapshotHealth = z.strictObject({
  state: z.enum(['ok', 'never', 'stale', 'failing']),
  message: z.string().nullable(),
  last: z
    .strictObject({
      id: z.string(),
      at: EpochMs,
      to: z.string(),
      encrypted: z.boolean(),
      bytes: z.number(),
      addedBytes: z.number(),
      seconds: z.number(),
      counts: z.strictObject({ messages: z.number().int(), calls: z.number().int(), blobs: z.number().int() }),
    })
    .nullable(),
  lastError: z.strictObject({ at: EpochMs, to: z.string(), message: z.string() }).nullable(),
  /** Snapshots are scheduled (textvault snapshot schedule): only then is an overdue or failed one an alert. */
  scheduled: z.boolean(),
  /** The alert to show in the banner, or null. */
  alert: z.string().nullable(),
  /** A folder is set for snapshots, so "Snapshot now" can take one. */
  canRunNow: z.boolean(),
});

/** GET /api/formats: what uploads may be and what exports write (the server's format descriptors). */
export const Formats = z.strictObject({
  imports: z.array(z.strictObject({ id: z.string(), label: z.string(), carries: z.array(z.string()) })),
  exports: z.array(z.strictObject({ id: z.string(), label: z.string() })),
});

/** A device upload's answer (PUT /api/ingest/:filename); a multipart POST adds every file's in `jobs`. */
export const IngestAccepted = z.strictObject({ jobId: z.number().int(), status: z.enum(JOB_STATUSES), statusUrl: z.string(), file: z.string().nullable() });
export const IngestFormAccepted = IngestAccepted.extend({ jobs: z.array(IngestAccepted) });
export const IngestParams = z.object({ filename: z.string() });

export type Job = z.infer<typeof Job>;
export type JobPage = z.infer<typeof JobPage>;
export type JobPassphrase = z.infer<typeof JobPassphrase>;
export type VerifyProblem = z.infer<typeof VerifyProblem>;
export type NewExport = z.infer<typeof NewExport>;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type SnapshotHealth = z.infer<typeof SnapshotHealth>;
export type Formats = z.infer<typeof Formats>;
export type IngestAccepted = z.infer<typeof IngestAccepted>;
export type IngestFormAccepted = z.infer<typeof IngestFormAccepted>;
