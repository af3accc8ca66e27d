/**
 * Errors crossing a thread boundary. Structured clone keeps only an Error's message, so a
 * worker's error is sent as its fields and revived as the same class on the other side, where
 * callers tell errors apart by class (a malformed file, an export that cannot be written).
 */
import { InputError } from '../../formats/container.js';
import { MalformedBackupError, NotABackupError } from '../../formats/errors.js';
import { LimitExceededError, type InputLimits } from '../../formats/limits.js';
import { ExportError } from '../export/export-error.js';

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
  /** LimitExceededError fields. */
  limit?: keyof InputLimits;
  what?: string;
  allowed?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: SerializedError = { name: e.name, message: e.message };
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code === 'string') out.code = code;
  if (e instanceof MalformedBackupError) Object.assign(out, { file: e.file, line: e.line, column: e.column, reason: e.reason });
  if (e instanceof NotABackupError) Object.assign(out, { file: e.file, reason: e.reason, expected: e.expected });
  if (e instanceof LimitExceededError) Object.assign(out, { file: e.file, limit: e.limit, what: e.what, allowed: e.allowed });
  return out;
}

/** The worker's error as the same class on this side, so callers handle it exactly as before. */
export function reviveError(s: SerializedError): Error {
  let e: Error;
  if (s.name === 'MalformedBackupError' && s.file !== undefined && s.line !== undefined && s.column !== undefined && s.reason !== undefined) {
    e = new MalformedBackupError(s.file, s.line, s.column, s.reason);
  } else if (s.name === 'NotABackupError' && s.file !== undefined && s.reason !== undefined) {
    e = new NotABackupError(s.file, s.reason, s.expected);
  } else if (s.name === 'LimitExceededError' && s.file !== undefined && s.limit !== undefined && s.what !== undefined && s.allowed !== undefined) {
    e = new LimitExceededError(s.file, s.limit, s.what, s.allowed);
  } else if (s.name === 'InputError') {
    e = new InputError(s.message);
  } else if (s.name === 'ExportError') {
    e = new ExportError(s.message);
  } else {
    e = new Error(s.message);
    e.name = s.name;
  }
  if (s.code !== undefined) (e as NodeJS.ErrnoException).code = s.code;
  return e;
}
