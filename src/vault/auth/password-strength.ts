/**
 * Whether a new password is too easy to guess, with zxcvbn (@zxcvbn-ts/core and its common
 * dictionary: the most common passwords, names, words, keyboard patterns, dates, l33t spellings).
 * A password needs a score of at least MIN_PASSWORD_SCORE out of 4: zxcvbn's 3 means about 10^8
 * guesses or more, "safely unguessable" for an online attacker and a real cost against scrypt
 * hashes offline; 0-2 include "password", "password123", "P@ssw0rd", "Summer2024" and the user's
 * own name with digits. Loaded on first use only (the dictionaries are a few MB).
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's warning keys, as a reason a person can act on (the package ships keys only). */
const WARNINGS: Record<string, string> = {
  topTen: 'it is one of the ten most common passwords',
  topHundred: 'it is one of the hundred most common passwords',
  common: 'it is a very common password',
  similarToCommon: 'it is too close to a very common password',
  pwned: 'it appeared in a data breach',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  commonNames: 'common names are easy to guess',
  userInputs: 'it contains the user name or the app’s name',
  straightRow: 'a straight row of keys is easy to guess',
  keyPattern: 'a short keyboard pattern is easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabc" are easy to guess',
  sequences: 'sequences like "abc" or "6543" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
};

let factory: Promise<ZxcvbnFactory> | undefined;

function load(): Promise<ZxcvbnFactory> {
  factory ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) => new core.ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }),
  );
  return factory;
}

/** Why the password is too weak (a sentence to show), or undefined when it is strong enough. */
export async function passwordWeakness(password: string, userInputs: string[] = []): Promise<string | undefined> {
  // zxcvbn looks at the first 256 characters; anything that long is not a common password anyway.
  // Synchronous with the common dictionary (no async matchers such as the pwned one are set).
  const result = (await load()).check(password.slice(0, 256), [...userInputs, 'textvault']);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const warning = result.feedback.warning === null ? undefined : WARNINGS[result.feedback.warning];
  return `the password is too easy to guess${warning === undefined ? '' : ` (${warning})`}: use a longer one, e.g. four or five unrelated words`;
}
