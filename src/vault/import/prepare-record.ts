/**
 * Everything an import derives from a record before it looks at the archive: the fields the
 * vault keeps as columns, the normalised participants, the identity key, the content hash and
 * the serialised attributes (the message key is derived by the writer: PreparedMessage.strictKey). Pure (no database), so it runs where the file is read, which is a
 * worker thread for large files (read-worker.ts) while the main thread only writes SQLite.
 *
 * Prepared records cross threads by structured clone, so they hold only plain values; keys and
 * hashes are Uint8Arrays (a Buffer arrives as a Uint8Array).
 */
import type { RecordFields } from '../../formats/backup-unit.js';
import type { MessageFields } from '../../formats/fields.js';
import { attr, type ArchiveRecord, type ReadWarning } from '../../formats/records.js';
import { searchableText } from '../../store/search-text.js';
import { callStrictKey, contentHash, mediaSignature, messageStrictKey, progressRank } from '../identity.js';
import type { PhoneNormalizer } from '../phone.js';
import { encodeStoredAttrs } from '../stored-attrs.js';

export interface PreparedPart {
  attrsJson: string;
  contentType: string | null;
  blobSha256: string | null;
  size: number | null;
  damage: string | null;
  rawData: string | null;
}

export interface PreparedAddr {
  attrsJson: string;
  address: string | null;
  addressNorm: string | null;
  type: number | null;
}

/**
 * Text as a string where it was made, or as its UTF-8 bytes once it crossed from the reader
 * worker (batch-codec.ts): the import thread binds the bytes as they are (statements.ts) instead
 * of converting a string to UTF-8 for SQLite again.
 */
export type Utf8Text = string | Buffer;

/** A Utf8Text as a string, for the rare paths that compare or index it. */
export function textOf(t: Utf8Text): string {
  return typeof t === 'string' ? t : t.toString('utf8');
}

export interface PreparedMessage {
  type: 'message';
  kind: 'sms' | 'mms';
  dateMs: number;
  dateSentMs: number | null;
  direction: MessageFields['direction'];
  /** MessageFields.secondsDate: the format's date has no milliseconds (archive-writer.ts twinOf). */
  secondsDate: boolean;
  box: number | null;
  address: Utf8Text | null;
  /** SMS body, or the MMS text parts; what the search index holds. */
  text: Utf8Text;
  /** What the search index takes for `text` (store/search-text.ts) when that is not `text` itself. */
  searchText: string | null;
  read: number | null;
  /** The attributes as messages.attrs keeps them (stored-attrs.ts). */
  attrsStored: Utf8Text;
  /** MMS only: null when the backup had no `<addrs>` element. */
  addrs: PreparedAddr[] | null;
  parts: PreparedPart[] | null;
  /** Sorted normalised participants joined by a space: the conversation's identity. */
  participantsKey: string;
  members: string[];
  /** [normalised number, name] pairs the record gave. */
  names: [string, string][];
  /**
   * identity.messageStrictKey, or null: the import's writer derives it from the other fields
   * (identity.strictKeyOf), on the database thread, when that thread has time for it
   * (read-worker.ts). SHA-256 of every message's identity was ~9% of the reader thread's time
   * on the mixed backup while the database thread waited for batches (issue 27).
   */
  strictKey: Uint8Array | null;
  /** MMS: identity.contentHash of the attributes, parts, media and addresses; SMS: empty (see prepareRecord). */
  contentHash: Uint8Array;
  rank: number;
  /** identity.mediaSignature; '' for an SMS. */
  mediaSignature: string;
  mediaCount: number;
}

export interface PreparedCall {
  type: 'call';
  number: string | null;
  numberNorm: string;
  dateMs: number;
  durationS: number | null;
  callType: number | null;
  contactName: string | null;
  attrsJson: string;
  strictKey: Uint8Array;
}

const NO_CONTENT_HASH = new Uint8Array(0);

function searchTextOf(text: string): string | null {
  const searchable = searchableText(text);
  return searchable === text ? null : searchable;
}

/** A record the import cannot keep (no usable date): counted as rejected, with a warning. */
export interface PreparedRejection {
  type: 'reject';
  warning: ReadWarning;
}

export type PreparedRecord = PreparedMessage | PreparedCall | PreparedRejection;

/**
 * `attrText`: the SMS's attributes as attribute text, when its reader had them so (RecordHandler.record).
 * `messageKey`: false leaves a message's key to the writer (PreparedMessage.strictKey), for a
 * reader thread that is ahead of the database thread.
 */
export function prepareRecord(r: ArchiveRecord, fields: RecordFields, phones: PhoneNormalizer, attrText?: string, messageKey = true): PreparedRecord {
  if (r.kind === 'call') {
    const f = fields.call(r);
    if (f.dateMs === undefined) return rejection(r, 'call without a valid date');
    const numberNorm = f.number === null ? '' : phones.normalize(f.number);
    return {
      type: 'call',
      number: f.number,
      numberNorm,
      dateMs: f.dateMs,
      durationS: f.durationS,
      callType: f.type,
      contactName: f.contactName,
      attrsJson: JSON.stringify(r.attrs),
      strictKey: callStrictKey(numberNorm, f.dateMs),
    };
  }
  const f = r.kind === 'sms' ? fields.sms(r) : fields.mms(r);
  const dateMs = f.dateMs;
  if (dateMs === undefined) return rejection(r, `${r.kind} without a valid date`);
  const names: [string, string][] = [];
  const members = new Set<string>();
  f.participants.forEach((raw, i) => {
    const norm = phones.normalize(raw);
    if (norm === '') return;
    members.add(norm);
    const name = f.participantNames[i];
    if (name !== null && name !== undefined) names.push([norm, name]);
  });
  const sorted = [...members].sort();
  const participantsKey = sorted.join(' ');
  let parts: PreparedPart[] | null = null;
  let addrs: PreparedAddr[] | null = null;
  let hash: Uint8Array;
  let attrsStored: string;
  if (r.kind === 'sms') {
    // An SMS is all attributes: the archive compares them themselves when it meets a stored copy
    // (archive-writer.ts), so the reader has nothing to hash, and the SBR reader's verbatim
    // attribute text needs no JSON at all (1,000,000 SMS: ~3 s less CPU for this thread).
    hash = NO_CONTENT_HASH;
    attrsStored = attrText ?? encodeStoredAttrs(r.attrs, JSON.stringify(r.attrs));
  } else {
    // The content hash is of the JSON form, as it always was: stored hashes stay comparable.
    const attrsJson = JSON.stringify(r.attrs);
    attrsStored = encodeStoredAttrs(r.attrs, attrsJson);
    parts = r.parts.map(
      (p): PreparedPart => ({
        attrsJson: JSON.stringify(p.attrs),
        contentType: attr(p.attrs, 'ct') ?? null,
        blobSha256: p.media?.sha256 ?? null,
        size: p.media?.size ?? null,
        damage: p.damage ?? null,
        rawData: p.rawData ?? null,
      }),
    );
    addrs =
      r.addrs === null
        ? null
        : r.addrs.map((a): PreparedAddr => {
            const address = attr(a.attrs, 'address') ?? null;
            const type = Number(attr(a.attrs, 'type'));
            return {
              attrsJson: JSON.stringify(a.attrs),
              address,
              addressNorm: address === null ? null : phones.normalize(address),
              type: Number.isSafeInteger(type) ? type : null,
            };
          });
    const media = r.parts.map((p) => `${p.media?.sha256 ?? ''}:${p.damage ?? ''}:${p.rawData ?? ''}`).join('|');
    const addrsSig = r.addrs === null ? 'no-addrs' : JSON.stringify(r.addrs.map((a) => a.attrs));
    hash = contentHash(attrsJson, ...parts.map((p) => p.attrsJson), media, addrsSig);
  }
  // One literal with every field (no spreads): the import makes a million of these, and V8 keeps
  // a literal's objects compact and fast where spread copies were not (measured: 2x the CPU).
  return {
    type: 'message',
    kind: f.kind,
    dateMs,
    dateSentMs: f.dateSentMs,
    direction: f.direction,
    secondsDate: f.secondsDate === true,
    box: f.box,
    address: f.address,
    text: f.text,
    searchText: searchTextOf(f.text),
    read: f.read,
    attrsStored,
    addrs,
    parts,
    participantsKey,
    members: sorted,
    names,
    // The writer derives it from the fields above (an SMS's media signature is ''), unless an SMS had media.
    strictKey: messageKey || (r.kind === 'sms' && f.media.length > 0) ? messageStrictKey(f, participantsKey, dateMs) : null,
    contentHash: hash,
    rank: progressRank(f.kind, f.box, f.read),
    mediaSignature: r.kind === 'sms' ? '' : mediaSignature(f),
    mediaCount: f.media.length,
  };
}

function rejection(r: ArchiveRecord, why: string): PreparedRejection {
  return {
    type: 'reject',
    warning: { code: 'record-rejected', message: `${r.kind} #${r.position.index + 1} rejected: ${why}`, line: r.position.line, column: r.position.column },
  };
}
