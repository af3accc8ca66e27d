/**
 * "1 record", "2 records", "1,234 records": a count with its noun in the right number, for every
 * message the command line, the server and the importers write (English, so en-US rules).
 * Intl.PluralRules, not `n === 1`: it knows that 1.5 and 0 take the plural.
 */
const RULES = new Intl.PluralRules('en-US');

/** The noun alone: `one` for a count of one, else `other` (default: `one` + "s"). */
export function nounFor(n: number, one: string, other = `${one}s`): string {
  return RULES.select(n) === 'one' ? one : other;
}

/** The count (with thousands separators) and its noun. */
export function countNoun(n: number, one: string, other = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${nounFor(n, one, other)}`;
}
