/**
 * The vault's records as the API sends them (src/api-contract/): every date as epoch ms (the
 * vault's job and source records carry ISO text, for the command line), and nothing the client
 * must not see (a spooled upload's path, the internal text of a failed job).
 */
import type * as Api from '../api-contract/index.js';
import { SPOOL_NAME_SOURCE, type Job } from '../vault/jobs/index.js';
import type { SnapshotWatch } from '../vault/snapshot/scheduled.js';
import type { Alert } from '../vault/sources/alerts.js';
import type { RejectedFile, Source } from '../vault/sources/registry.js';
import type { ApiToken } from '../vault/sources/tokens.js';

/** An ISO time of the vault's records as epoch ms. */
export function ms(iso: string): number {
  return Date.parse(iso);
}

export function msOrNull(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso);
}

/** A spooled upload's path in a message: the user knows the file by the name they uploaded. */
const SPOOLED = new RegExp(String.raw`(?:[^\s:]*[\\/])?uploads[\\/]` + SPOOL_NAME_SOURCE, 'g');

/** The API's Job: a verify's problems as `{ kind, message }`; no source id (a device sees its own jobs only). */
export function presentJob(job: Job): Api.Job {
  let result: Record<string, unknown> | null = job.result === null ? null : { ...job.result };
  if (job.kind === 'verify' && result !== null && 'problemList' in result) {
    const { problemList, ...rest } = result;
    result = { ...rest, problems: problemList };
  }
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    createdAt: ms(job.createdAt),
    startedAt: msOrNull(job.startedAt),
    endedAt: msOrNull(job.endedAt),
    progress: job.progress,
    file: job.file,
    result,
    error: publicJobError(job),
    errorCode: jobErrorCode(job),
    cancelRequested: job.cancelRequested,
    retryable: job.retryable,
  };
}

/** Job errors a client acts on (the web app asks for the passphrase), by the error's class. */
const ERROR_CODES: Record<string, string> = { PassphraseRequiredError: 'passphrase_required', WrongPassphraseError: 'wrong_passphrase' };

function errorName(job: Job): string | undefined {
  const result = job.result as { errorName?: unknown } | null;
  return result !== null && typeof result.errorName === 'string' ? result.errorName : undefined;
}

function jobErrorCode(job: Job): string | null {
  if (job.status !== 'failed') return null;
  return ERROR_CODES[errorName(job) ?? ''] ?? null;
}

/**
 * Error names that mean a bug or an exhausted resource rather than something about the file
 * (e.g. a RangeError "Invalid string length"): their text is for the server's log, not the user.
 */
const INTERNAL_ERRORS = new Set(['RangeError', 'TypeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError', 'AggregateError', 'SqliteError', 'AssertionError']);

/** A failed job's error as users may see it: internal failures (and system errors, which name paths) become a generic text. */
function publicJobError(job: Job): string | null {
  if (job.error === null) return null;
  const name = errorName(job);
  const shown = job.file ?? 'the upload';
  // The reader's text names CLI options; an upload's user is asked in the web app instead.
  if (name === 'PassphraseRequiredError') return `${shown} is encrypted: enter the password it was made with on the Backups page of the web app to import it.`;
  if (name === 'WrongPassphraseError') return `${shown} could not be decrypted with this password: check it and try again.`;
  // A system error ("ENOENT: no such file or directory, open '/srv/…'") names server paths. Other
  // plain Errors are the vault's own, with text meant for the user.
  const system = /^E[A-Z]{2,}\b/.test(job.error);
  if (system || (name !== undefined && INTERNAL_ERRORS.has(name))) return `the job failed on an internal error (job ${job.id}); the details are in the job's record: textvault jobs --json on the server`;
  return job.error.replace(SPOOLED, job.file ?? 'the upload');
}

export function presentSource(s: Source): Api.Source {
  const h = s.health;
  return {
    ...s,
    createdAt: ms(s.createdAt),
    health: {
      lastRunAt: msOrNull(h.lastRunAt),
      lastSuccessAt: msOrNull(h.lastSuccessAt),
      lastError: h.lastError,
      lastErrorAt: msOrNull(h.lastErrorAt),
      nextRunAt: msOrNull(h.nextRunAt),
      newestMessageAt: msOrNull(h.newestMessageAt),
      lastDeliveryAt: msOrNull(h.lastDeliveryAt),
    },
  };
}

export function presentAlert(a: Alert): Api.Alert {
  return { ...a, raisedAt: ms(a.raisedAt), clearedAt: msOrNull(a.clearedAt), notifiedAt: msOrNull(a.notifiedAt) };
}

export function presentRejectedFile(r: RejectedFile): Api.RejectedFile {
  return { ...r, rejectedAt: ms(r.rejectedAt) };
}

export function presentToken(t: ApiToken): Api.ApiToken {
  return { ...t, createdAt: ms(t.createdAt), lastUsedAt: msOrNull(t.lastUsedAt), revokedAt: msOrNull(t.revokedAt) };
}

/** The snapshots' health without its bookkeeping (`notified`: which problem was alerted). */
export function presentSnapshotWatch(h: SnapshotWatch): Api.SnapshotHealth {
  return {
    state: h.state,
    message: h.message,
    last: h.last === null ? null : { ...h.last, at: ms(h.last.at) },
    lastError: h.lastError === null ? null : { ...h.lastError, at: ms(h.lastError.at) },
    scheduled: h.scheduled,
    alert: h.alert,
    canRunNow: h.canRunNow,
  };
}
