/**
 * What makes two records the same message or call. The rules are documented in docs/dedup.md;
 * change them there first.
 */
import { createHash } from 'node:crypto';
import type { CallFields, MessageFields } from '../formats/fields.js';

export interface MatchOptions {
  /** Bodies equal after trimming and collapsing every whitespace run (CRLF, double spaces). */
  ignoreWhitespace: boolean;
  /** Dates equal to the second. */
  ignoreMilliseconds: boolean;
  /** An SMS and a text-only MMS/RCS copy of the same text are one message. */
  crossProtocol: boolean;
}

export const STRICT: MatchOptions = { ignoreWhitespace: false, ignoreMilliseconds: false, crossProtocol: false };

export function isStrict(o: MatchOptions): boolean {
  return !o.ignoreWhitespace && !o.ignoreMilliseconds && !o.crossProtocol;
}

const SEP = '\u0000';

function key(...parts: (string | number)[]): Buffer {
  // 128 bits of SHA-256: collision-free in practice, half the index size of the full digest.
  return createHash('sha256').update(parts.join(SEP)).digest().subarray(0, 16);
}

export function collapseWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function mediaKey(f: MessageFields): string {
  return f.media
    .map((m) => m.sha256 ?? `damaged:${m.damage ?? ''}`)
    .sort()
    .join(',');
}

/** Exact identity: kind, the other parties, the instant, the direction and the content. */
export function messageStrictKey(f: MessageFields, participantsKey: string, dateMs: number): Buffer {
  return key(f.kind, participantsKey, dateMs, f.direction, f.text, mediaKey(f));
}

/**
 * A coarser key shared by every record that could match under some option: same parties, same
 * second, same text after collapsing whitespace, same media. Candidates found by it are then
 * compared with exactly the options in force (see `looselyEqual`).
 */
export function messageLooseKey(f: MessageFields, participantsKey: string, dateMs: number): Buffer {
  return key(participantsKey, Math.floor(dateMs / 1000), collapseWhitespace(f.text), mediaKey(f));
}

export interface StoredMessageSummary {
  kind: string;
  direction: string;
  date_ms: number;
  body: string | null;
}

/** Whether a stored message matches an incoming one under the options (loose key already equal). */
export function looselyEqual(incoming: MessageFields, dateMs: number, stored: StoredMessageSummary, o: MatchOptions): boolean {
  const sameKind = incoming.kind === stored.kind;
  if (!sameKind && !o.crossProtocol) return false;
  if (incoming.direction !== stored.direction && incoming.direction !== 'unknown' && stored.direction !== 'unknown') return false;
  if (sameKind && incoming.direction !== stored.direction) return false;
  const dateOk = o.ignoreMilliseconds ? Math.floor(dateMs / 1000) === Math.floor(stored.date_ms / 1000) : dateMs === stored.date_ms;
  if (!dateOk) return false;
  const body = stored.body ?? '';
  return o.ignoreWhitespace ? collapseWhitespace(incoming.text) === collapseWhitespace(body) : incoming.text === body;
}

export function callStrictKey(f: CallFields, numberNorm: string, dateMs: number): Buffer {
  return key('call', numberNorm, dateMs);
}

export function contentHash(...serialized: string[]): Buffer {
  return createHash('sha256').update(serialized.join(SEP)).digest().subarray(0, 16);
}

/**
 * How far a message has progressed; between two copies of one message from backups of the same
 * date, the more advanced copy wins (sent beats outbox, read beats unread).
 */
export function progressRank(f: MessageFields): number {
  let box = 0;
  if (f.kind === 'sms') {
    // 2 sent > 5 failed > 4 outbox / 6 queued > 3 draft
    box = f.box === 2 ? 4 : f.box === 5 ? 3 : f.box === 4 || f.box === 6 ? 2 : f.box === 3 ? 1 : 0;
  } else {
    box = f.box === 2 ? 4 : f.box === 5 ? 3 : f.box === 4 ? 2 : f.box === 3 ? 1 : 0;
  }
  return box * 2 + (f.read === 1 ? 1 : 0);
}
