/**
 * Errors a reader raises. Each carries the file and, where it applies, the 1-based line and
 * column, so the message tells the user exactly where to look.
 */

/** The file is not in the format the reader was asked to read (wrong root element, binary...). */
export class NotABackupError extends Error {
  override readonly name = 'NotABackupError';
  constructor(
    readonly file: string,
    readonly reason: string,
    /**
     * What the file was expected to be, as a phrase ("an SMS Backup & Restore backup"); empty
     * when `reason` is the whole sentence (a file detection could not place: it says what the
     * file is and what to do, and "not X: " before it would only repeat it).
     */
    readonly expected = 'an SMS Backup & Restore backup',
  ) {
    super(expected === '' ? `${file}: ${reason}` : `${file}: not ${expected}: ${reason}`);
  }
}

/** The file is damaged: malformed or truncated XML, a forbidden DOCTYPE, an undefined entity... */
export class MalformedBackupError extends Error {
  override readonly name = 'MalformedBackupError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    // The reason may quote the file (an entity, a tag name), line breaks and all: one line still.
    super(`${file}:${line}:${column}: ${oneLine(reason)}`);
  }
}

/**
 * An encrypted backup could not be decrypted: the passphrase is wrong, the file is not a valid
 * encrypted backup, or it was altered. (Here, not with one format's cipher, so that a reader can
 * raise it without loading another format's crypto library.)
 */
export class DecryptionError extends Error {
  override readonly name: string = 'DecryptionError';
}

/**
 * The file is encrypted and no passphrase was given: the web app asks for one when a job ends
 * with this (by the error's name, kept in the job's result).
 */
export class PassphraseRequiredError extends DecryptionError {
  override readonly name: string = 'PassphraseRequiredError';
}

/** The passphrase given does not decrypt the file (or the file was altered where the check is). */
export class WrongPassphraseError extends DecryptionError {
  override readonly name: string = 'WrongPassphraseError';
}

/** Control characters (line breaks, tabs) written as JSON escapes, so a message stays one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
