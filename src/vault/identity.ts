/**
 * What makes two records the same message or call. The rules are documented in docs/dedup.md;
 * change them there first.
 */
import { hash } from 'node:crypto';
import type { MessageFields } from '../formats/fields.js';

export interface MatchOptions {
  /** Bodies equal after trimming and collapsing every whitespace run (CRLF, double spaces). */
  ignoreWhitespace: boolean;
  /** Dates equal to the second. */
  ignoreMilliseconds: boolean;
  /** An SMS and a text-only MMS/RCS copy of the same text are one message. */
  crossProtocol: boolean;
}

export function isStrict(o: MatchOptions): boolean {
  return !o.ignoreWhitespace && !o.ignoreMilliseconds && !o.crossProtocol;
}

const SEP = '\u0000';

/**
 * Writes 128 bits of SHA-256 (collision-free in practice, half the index size of the full digest)
 * into `into` at `at`. The one-shot crypto.hash is much cheaper than createHash() for the short
 * inputs of the hot path, and asked for a string it is cheaper still: asked for a Buffer, Node
 * gives every digest an ArrayBuffer of its own (~0.6 us of the ~1.8 us a message key cost).
 */
function writeDigest128(text: string | Uint8Array, into: Buffer, at: number): void {
  // 'binary' is latin1: one character per digest byte.
  into.write(hash('sha256', text, 'binary'), at, 16, 'latin1');
}

export function collapseWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** The media of a message as one comparable string: sorted hashes (or damage markers). */
export function mediaSignature(f: MessageFields): string {
  if (f.media.length === 0) return '';
  return f.media
    .map((m) => m.sha256 ?? `damaged:${m.damage ?? ''}`)
    .sort()
    .join(',');
}

/**
 * A stored identity key: the record's date as a big-endian 64-bit two's-complement integer, then
 * the 128-bit digest of the whole identity. The date adds nothing to what the digest decides;
 * it is there so that the keys of a backup, which is written in date order, land next to each
 * other in the key index instead of at random places: past a few hundred thousand messages the
 * index no longer fits in the page cache, and random inserts made every key a disk read
 * (1,000,000 SMS: inserts 23 s -> 14 s). Migration 0007 gave existing keys the same prefix.
 */
function datedKey(dateMs: number, identity: string | Uint8Array): Buffer {
  const key = Buffer.allocUnsafe(8 + 16);
  const high = Math.floor(dateMs / 0x1_0000_0000);
  key.writeInt32BE(high, 0);
  key.writeUInt32BE(dateMs - high * 0x1_0000_0000, 4);
  writeDigest128(identity, key, 8);
  return key;
}

/** Exact identity: kind, the other parties, the instant, the direction and the content. */
export function messageStrictKey(f: MessageFields, participantsKey: string, dateMs: number): Buffer {
  return strictKeyOf({ kind: f.kind, participantsKey, dateMs, direction: f.direction, mediaSignature: mediaSignature(f) }, f.text);
}

/** What a message's strict key holds besides its text (messageStrictKey). */
export interface StrictIdentity {
  kind: string;
  /** The sorted normalised participants joined by a space. */
  participantsKey: string;
  dateMs: number;
  direction: string;
  /** mediaSignature() of the message's media. */
  mediaSignature: string;
}

/** Reused for the identities of texts given as bytes: grows to the largest one met. */
let scratch = Buffer.allocUnsafeSlow(4096);

/**
 * messageStrictKey of a message whose text is a string, or its UTF-8 bytes as the import thread
 * receives it from the reader thread: the same key either way (SHA-256 hashes a string as its
 * UTF-8 bytes, a lone surrogate as U+FFFD just as Buffer.write encodes it). From bytes, the
 * identity is assembled in a reused buffer instead of decoding the text to a string first.
 */
export function strictKeyOf(id: StrictIdentity, text: string | Uint8Array): Buffer {
  const before = `${id.kind}${SEP}${id.participantsKey}${SEP}${id.dateMs}${SEP}${id.direction}${SEP}`;
  const after = `${SEP}${id.mediaSignature}`;
  if (typeof text === 'string') return datedKey(id.dateMs, before + text + after);
  // At most 3 UTF-8 bytes per UTF-16 unit: write() would cut a text short without the room.
  const room = (before.length + after.length) * 3 + text.length;
  if (room > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(room, scratch.length * 2));
  let length = scratch.write(before, 0, 'utf8');
  scratch.set(text, length);
  length += text.length;
  length += scratch.write(after, length, 'utf8');
  return datedKey(id.dateMs, scratch.subarray(0, length));
}

export function callStrictKey(numberNorm: string, dateMs: number): Buffer {
  return datedKey(dateMs, `call${SEP}${numberNorm}${SEP}${dateMs}`);
}

export function contentHash(...serialized: string[]): Buffer {
  const digest = Buffer.allocUnsafe(16);
  writeDigest128(serialized.join(SEP), digest, 0);
  return digest;
}

/** The range of dates a loose match can have: the same millisecond, or the same second. */
export function looseDateRange(dateMs: number, o: MatchOptions): [number, number] {
  if (!o.ignoreMilliseconds) return [dateMs, dateMs];
  const s = Math.floor(dateMs / 1000) * 1000;
  return [s, s + 999];
}

export interface StoredMessageSummary {
  kind: string;
  direction: string;
  body: string | null;
}

/** What loose matching compares of an incoming message (see prepare-record.ts). */
export interface IncomingSummary {
  kind: string;
  direction: string;
  text: string;
  /** mediaSignature of the message's media; '' when it has none. */
  mediaSignature: string;
  mediaCount: number;
}

/**
 * Whether a stored message of the same conversation and date range (see looseDateRange) matches an incoming one
 * under the options. `storedMedia` is the stored message's media signature.
 */
export function looselyEqual(incoming: IncomingSummary, stored: StoredMessageSummary, storedMedia: string, o: MatchOptions): boolean {
  const sameKind = incoming.kind === stored.kind;
  if (sameKind) {
    if (incoming.direction !== stored.direction) return false;
    if (incoming.mediaSignature !== storedMedia) return false;
  } else {
    // Cross-protocol: only a text-only MMS can be the copy of an SMS.
    if (!o.crossProtocol || incoming.mediaCount > 0 || storedMedia !== '') return false;
    if (incoming.direction !== stored.direction && incoming.direction !== 'unknown' && stored.direction !== 'unknown') return false;
  }
  const body = stored.body ?? '';
  return o.ignoreWhitespace ? collapseWhitespace(incoming.text) === collapseWhitespace(body) : incoming.text === body;
}

/**
 * How far a message has progressed; between two copies of one message from backups of the same
 * date, the more advanced copy wins (sent beats failed beats outbox, read beats unread).
 */
export function progressRank(kind: 'sms' | 'mms', box: number | null, read: number | null): number {
  let rank: number;
  if (box === 2) rank = 4;
  else if (box === 5) rank = 3;
  else if (box === 4 || (kind === 'sms' && box === 6)) rank = 2;
  else if (box === 3) rank = 1;
  else rank = 0;
  return rank * 2 + (read === 1 ? 1 : 0);
}

/**
 * Order-independent choice between two different copies of one record: the newer backup wins,
 * then the more advanced state, then (only to be deterministic) the greater signature.
 */
export function incomingWins(
  incoming: { stateDate: number; rank: number; signature: string },
  stored: { stateDate: number; rank: number; signature: string },
): boolean {
  if (incoming.stateDate !== stored.stateDate) return incoming.stateDate > stored.stateDate;
  if (incoming.rank !== stored.rank) return incoming.rank > stored.rank;
  return incoming.signature > stored.signature;
}
