/**
 * A request's invalid parameter as one sentence a user can act on ("The search is too long: at
 * most 500 characters."), instead of zod's own text ("q: Too big: expected string to have <=500
 * characters", "expected number, received NaN").
 */
import type { ZodError } from 'zod';

type Issue = ZodError['issues'][number];

/** How a parameter is named in a sentence; others by their name in quotes. */
const LABELS: Record<string, string> = {
  q: 'The search',
  limit: 'The limit',
  cursor: 'The page cursor',
  id: 'The id',
  name: 'The file name',
  from: 'The start date',
  to: 'The end date',
  username: 'The user name',
  password: 'The password',
};

function label(issue: Issue): string {
  const name = issue.path.map(String).join('.');
  if (name === '') return 'The request';
  return LABELS[name] ?? `The parameter "${name}"`;
}

function sentence(text: string): string {
  const t = text.trim().replace(/[.\s]+$/, '');
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}.`;
}

function describe(issue: Issue): string {
  const who = label(issue);
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `${who} is too long: at most ${String(issue.maximum)} characters`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `${who} has too many items: at most ${String(issue.maximum)}`
          : `${who} is too large: at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? `${who} is empty: give a value`
          : `${who} is too short: at least ${String(issue.minimum)} characters`
        : `${who} is too small: at least ${String(issue.minimum)}`;
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int'
        ? `${who} must be a number`
        : issue.input === undefined
          ? `${who} is missing`
          : `${who} must be ${issue.expected === 'string' ? 'text' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `${who} must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `${who} is not in the expected form`;
    case 'not_multiple_of':
      return `${who} must be a whole number`;
    case 'unrecognized_keys':
      return `${who} has unknown fields: ${issue.keys.join(', ')}`;
    case 'custom':
      // The schemas' own refinements are written for users ("must not contain a NUL character").
      return `${who} ${issue.message}`;
    default:
      return `${who} is not valid`;
  }
}

/** The first invalid parameter as a sentence (a request usually has one mistake; the first is enough to act on). */
export function zodMessage(e: ZodError): string {
  const issue = e.issues[0];
  return issue === undefined ? 'The request is not valid.' : sentence(describe(issue));
}
