/**
 * The meaning of a record, derived by its format from the lossless attributes: what the vault
 * needs to match, thread and show a message. Each format maps its own quirks here (MMS dates in
 * seconds, box codes, group addresses), so the vault never has to know which app wrote a file.
 */

export type Direction = 'in' | 'out' | 'unknown';

export interface MediaRef {
  /** SHA-256 of the stored bytes, or undefined when the part's data was damaged or empty. */
  sha256?: string;
  /** Identity of damaged data (its raw text, or `empty`). */
  damage?: string;
}

export interface MessageFields {
  kind: 'sms' | 'mms';
  /** Milliseconds since the epoch, or undefined when the record has no usable date. */
  dateMs: number | undefined;
  dateSentMs: number | null;
  direction: Direction;
  /**
   * The format keeps this record's date in whole seconds (the provider's MMS table): its
   * milliseconds are unknown, not zero, so another copy of the same second may be this one.
   */
  secondsDate?: boolean;
  /** SMS `type` / MMS `msg_box`. */
  box: number | null;
  /** The record's own address field as written. */
  address: string | null;
  /** The other parties as written (raw), one for a 1:1 thread, several for a group. */
  participants: string[];
  /** Names the backup gave the participants, aligned with `participants` (null when unknown). */
  participantNames: (string | null)[];
  /** SMS body, or the MMS text parts joined with newlines; '' when there is none. */
  text: string;
  read: number | null;
  /** Media of an MMS (layout parts like SMIL excluded), in part order. */
  media: MediaRef[];
}

export interface CallFields {
  number: string | null;
  dateMs: number | undefined;
  durationS: number | null;
  type: number | null;
  contactName: string | null;
}

/** Parses an integer attribute; null for absent, "null", "" or non-numeric values. */
export function intOrNull(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'null') return null;
  const digits = plainDigits(value);
  if (digits !== undefined) return digits;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * The value of `-?[0-9]{1,15}` (exact in a double), or undefined for any other text. Number()
 * gives the same, but for a 13-digit date it takes V8's general string-to-double path, a large
 * part of reading an SMS's fields.
 */
function plainDigits(value: string): number | undefined {
  const negative = value.charCodeAt(0) === 0x2d;
  const start = negative ? 1 : 0;
  const end = value.length;
  if (end === start || end - start > 15) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** A string attribute with the backup's "null" (SQL NULL) mapped to null. */
export function strOrNull(value: string | undefined): string | null {
  return value === undefined || value === 'null' ? null : value;
}
