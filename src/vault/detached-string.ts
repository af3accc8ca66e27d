/**
 * A copy of a string that refers to no larger one. V8 makes a substring of 13 characters or more
 * (slice(), a regular expression's capture) as a view into the string it came from, which for a
 * reader is its whole decoded chunk of the file: 64 KiB of text, twice that in bytes when any of
 * it is not Latin-1. Kept as a key or value of a long-lived map, a view keeps its chunk alive;
 * the reader thread's caches of numbers and names held ~30 MB of chunks that way in a 500,000-SMS
 * Super Backup import (peak RSS 250-269 MB -> 227-229 MB). Copy what such a map keeps.
 */
export function detachedString(s: string): string {
  // Shorter substrings are copies already; join builds a new flat string (any code units kept).
  return s.length < 13 ? s : s.split('').join('');
}
