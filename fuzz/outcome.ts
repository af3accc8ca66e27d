/** How one fuzz input ended, and the rule that tells a clean error from a crash. */

import { NotABackupError } from '../src/formats/errors.js';

export type Verdict = 'ok' | 'clean' | 'failure';

export interface Outcome {
  id: number;
  verdict: Verdict;
  /** For a failure: what went wrong (crash, hang, internal error, partial import...). */
  reason?: string;
  /** The error's message, as a user would see it. */
  message?: string;
  /** A clean error says where in the file (line:column, record, entry, byte). */
  positioned?: boolean;
}

const INTERNAL = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

/** Text that only an unhandled bug writes into a message. */
const INTERNAL_TEXT = /Cannot read prop|Cannot set prop|is not a function|is not iterable|is not defined|Maximum call stack|out of memory|of undefined|of null|\[object Object\]|^\s+at /m;

const POSITION = /:\d+(:\d+)?\b|\b(line|record|entry|entries|byte|offset|position|element|member|item|chunk|part)\b|\bat \d/i;

/** Errors about the whole file, where no position applies (it is empty, or no format at all). */
const WHOLE_FILE = /not a backup Textvault can read|matches no format|not a phone backup/;

/** Classifies what `importFile` threw for the input named `fileName`. */
export function classifyError(e: unknown, fileName: string): Omit<Outcome, 'id'> {
  if (!(e instanceof Error)) return { verdict: 'failure', reason: 'threw a non-Error', message: String(e) };
  const message = e.message;
  const base = { message: message.split('\n')[0] ?? '' };
  if (INTERNAL.some((c) => e.constructor === c)) return { ...base, verdict: 'failure', reason: `internal ${e.constructor.name}`, message };
  if (message.trim().includes('\n')) return { ...base, verdict: 'failure', reason: 'multi-line message', message };
  if (INTERNAL_TEXT.test(message)) return { ...base, verdict: 'failure', reason: 'internal error text' };
  if (!message.includes(fileName)) return { ...base, verdict: 'failure', reason: 'message does not name the file' };
  // A NotABackupError is about the whole file (what it is, or what it lacks); `file!entry:` names
  // the entry of an archive, which is where the damage is.
  const positioned = e instanceof NotABackupError || WHOLE_FILE.test(message) || new RegExp(`${escapeRegExp(fileName)}![^:]+:`).test(message) || POSITION.test(message.replaceAll(fileName, ''));
  return { ...base, verdict: 'clean', positioned };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
