/**
 * The wire form of a batch of prepared records between the reader worker and the import thread.
 *
 * Structured clone writes every property name of every object and rebuilds each object key by
 * key, and each small Uint8Array travels with an ArrayBuffer of its own; for a million SMS that
 * cost as much as a third of the SQLite work. Messages and calls therefore travel as runs of
 * numbers in one Float64Array, with all their keys, hashes and large texts packed in one byte
 * buffer; both are transferred, not copied, and an SMS usually adds nothing else. Anything rarer
 * (a conversation's key, names, MMS parts and addresses, CJK search texts, warnings, contacts,
 * rejections) is cloned in `values`. What repeats from message to message crosses once per
 * encoder: a conversation's key and members (then its number), a contact's name (then only when
 * it changes). So the batches of one encoder are read by one BatchDecoder, in order.
 */
import type { PreparedCall, PreparedMessage, Utf8Text } from './prepare-record.js';
import type { ReadItem } from './read-protocol.js';
import { detachedString } from '../detached-string.js';

export interface WireBatch {
  /**
   * The numbers of each message and call, in runs of fixed length (MESSAGE_NUMBERS, CALL_NUMBERS):
   * dates, codes, lengths into `bytes`, and flags saying which rare values `values` holds for it.
   * A null number travels as NaN (the numbers of a record are safe integers or null).
   * Transferred, not copied: structured clone wrote and read each number as a tagged value, and
   * the import thread spent ~5% of its time reading them back.
   */
  numbers: Float64Array<ArrayBuffer>;
  /** What is not a number, in order, only where a record has it (see the flags). */
  values: unknown[];
  /**
   * Keys, hashes and the messages' large texts (address, text, attributes) as UTF-8, back to
   * back; `numbers` holds their lengths (-1 for a missing address or a key the writer derives). Transferred, not copied.
   */
  bytes: Uint8Array<ArrayBuffer>;
}

/** The buffers a WireBatch's postMessage must transfer. */
export function transferList(batch: WireBatch): ArrayBuffer[] {
  return [batch.numbers.buffer, batch.bytes.buffer];
}

const MESSAGE = 0;
const CALL = 1;
const OTHER = 2;

const KINDS = ['sms', 'mms'] as const;
const DIRECTIONS = ['in', 'out', 'unknown'] as const;

/** A message's numbers: tag, then these offsets. */
const M_KIND = 1;
const M_DATE = 2;
const M_DATE_SENT = 3;
const M_DIRECTION = 4;
const M_BOX = 5;
const M_READ = 6;
const M_SLOT = 7;
const M_RANK = 8;
const M_MEDIA_COUNT = 9;
const M_FLAGS = 10;
const M_KEY_LENGTH = 11;
const M_HASH_LENGTH = 12;
const M_ADDRESS_LENGTH = 13;
const M_TEXT_LENGTH = 14;
const M_ATTRS_LENGTH = 15;
const MESSAGE_NUMBERS = 16;
/** A call's numbers: tag, date, duration, type, key length; its strings are in `values`. */
const CALL_NUMBERS = 5;

/** Which of a message's rare values follow in `values`, in this order. */
const HAS_CONVERSATION = 1;
const HAS_NAMES = 2;
const HAS_MEDIA_SIGNATURE = 4;
const HAS_PARTS = 8;
const HAS_ADDRS = 16;
const HAS_SEARCH_TEXT = 32;
const SECONDS_DATE = 64;

/**
 * A batch's byte buffer starts this large and doubles; 100 SMS take ~50-70 KB. Each buffer has an
 * ArrayBuffer of its own (allocUnsafeSlow: never the shared pool), so it can be transferred; below
 * 128 KiB, malloc takes it from its heap instead of mapping fresh pages for every batch.
 */
const INITIAL_BYTES = 96 * 1024;
/** Room for the numbers of 100 messages and a few other items before the array doubles. */
const INITIAL_NUMBERS = 128 * MESSAGE_NUMBERS;
/** Numbers whose last sent name the encoder remembers; past this it forgets them all (and sends names again). */
const MAX_REMEMBERED_NAMES = 10_000;
/**
 * Conversations given a number on the wire. Past this many, further ones travel by key every
 * time: a file of a million one-off conversations must not grow both threads' maps without end.
 */
const MAX_CONVERSATION_SLOTS = 10_000;
/** The wire's conversation slot of a conversation sent by key, not remembered. */
const NO_SLOT = -1;

const orNaN = (n: number | null): number => n ?? Number.NaN;
const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);

export class BatchEncoder {
  private values: unknown[] = [];
  private numbers = new Float64Array(INITIAL_NUMBERS);
  private used = 0;
  private bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private length = 0;
  /** Items added since the last take(). */
  count = 0;
  /**
   * The name last sent for each number. A backup gives a contact's name with every message, and
   * the archive keeps only the latest per number (ArchiveWriter), so a name is sent when it
   * differs from the last one sent: most messages then carry none across the threads.
   */
  private readonly sentNames = new Map<string, string>();
  /**
   * A number per conversation: its key and members cross once, then only the number (a key was
   * cloned, split and hashed again for every message).
   */
  private readonly slots = new Map<string, number>();

  add(item: ReadItem): void {
    this.count++;
    if (item.type === 'message') this.addMessage(item);
    else if (item.type === 'call') this.addCall(item);
    else {
      this.room(1);
      this.numbers[this.used++] = OTHER;
      this.values.push(item);
    }
  }

  private addMessage(m: PreparedMessage): void {
    const v = this.values;
    let flags = 0;
    let slot = this.slots.get(m.participantsKey);
    if (slot === undefined) {
      slot = this.slots.size < MAX_CONVERSATION_SLOTS ? this.slots.size : NO_SLOT;
      if (slot !== NO_SLOT) this.slots.set(detachedString(m.participantsKey), slot);
      flags |= HAS_CONVERSATION;
      // participantsKey is the members joined by spaces: send them only when a member has one.
      v.push(m.participantsKey, m.members.some((x) => x.includes(' ')) ? m.members : null);
    }
    const names = this.newNames(m.names);
    if (names !== null) {
      flags |= HAS_NAMES;
      v.push(names);
    }
    if (m.mediaSignature !== '') {
      flags |= HAS_MEDIA_SIGNATURE;
      v.push(m.mediaSignature);
    }
    if (m.parts !== null) {
      flags |= HAS_PARTS;
      v.push(m.parts);
    }
    if (m.addrs !== null) {
      flags |= HAS_ADDRS;
      v.push(m.addrs);
    }
    if (m.searchText !== null) {
      flags |= HAS_SEARCH_TEXT;
      v.push(m.searchText);
    }
    if (m.secondsDate) flags |= SECONDS_DATE;
    this.room(MESSAGE_NUMBERS);
    const n = this.numbers;
    const at = this.used;
    n[at] = MESSAGE;
    n[at + M_KIND] = m.kind === 'sms' ? 0 : 1;
    n[at + M_DATE] = m.dateMs;
    n[at + M_DATE_SENT] = orNaN(m.dateSentMs);
    n[at + M_DIRECTION] = m.direction === 'in' ? 0 : m.direction === 'out' ? 1 : 2;
    n[at + M_BOX] = orNaN(m.box);
    n[at + M_READ] = orNaN(m.read);
    n[at + M_SLOT] = slot;
    n[at + M_RANK] = m.rank;
    n[at + M_MEDIA_COUNT] = m.mediaCount;
    n[at + M_FLAGS] = flags;
    n[at + M_KEY_LENGTH] = m.strictKey === null ? -1 : this.pushBytes(m.strictKey);
    n[at + M_HASH_LENGTH] = this.pushBytes(m.contentHash);
    // The import thread binds these as they arrive: text as UTF-8 is what SQLite stores, and
    // V8 turning a string into UTF-8 there cost ~0.8 s of its time per 1,000,000 SMS.
    n[at + M_ADDRESS_LENGTH] = m.address === null ? -1 : this.pushText(m.address);
    n[at + M_TEXT_LENGTH] = this.pushText(m.text);
    n[at + M_ATTRS_LENGTH] = this.pushText(m.attrsStored);
    this.used = at + MESSAGE_NUMBERS;
  }

  private addCall(c: PreparedCall): void {
    this.room(CALL_NUMBERS);
    const n = this.numbers;
    const at = this.used;
    n[at] = CALL;
    n[at + 1] = c.dateMs;
    n[at + 2] = orNaN(c.durationS);
    n[at + 3] = orNaN(c.callType);
    n[at + 4] = this.pushBytes(c.strictKey);
    this.used = at + CALL_NUMBERS;
    this.values.push(c.number, c.numberNorm, c.contactName, c.attrsJson);
  }

  private newNames(names: [string, string][]): [string, string][] | null {
    let changed: [string, string][] | null = null;
    for (const pair of names) {
      if (this.sentNames.get(pair[0]) === pair[1]) continue;
      if (this.sentNames.size >= MAX_REMEMBERED_NAMES) this.sentNames.clear();
      this.sentNames.set(detachedString(pair[0]), detachedString(pair[1]));
      (changed ??= []).push(pair);
    }
    return changed;
  }

  /** The batch so far, and a fresh start. Post it with transferList(batch). */
  take(): WireBatch {
    const batch = {
      numbers: new Float64Array(this.numbers.buffer, 0, this.used),
      values: this.values,
      bytes: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.length),
    };
    this.values = [];
    this.numbers = new Float64Array(INITIAL_NUMBERS);
    this.used = 0;
    this.bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    this.length = 0;
    this.count = 0;
    return batch;
  }

  private room(n: number): void {
    if (this.used + n <= this.numbers.length) return;
    const grown = new Float64Array(Math.max(this.numbers.length * 2, this.used + n));
    grown.set(this.numbers.subarray(0, this.used));
    this.numbers = grown;
  }

  /** Appends the bytes; returns their length. */
  private pushBytes(b: Uint8Array): number {
    this.reserve(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    return b.length;
  }

  /** Appends the text as UTF-8; returns the number of bytes. */
  private pushText(t: Utf8Text): number {
    if (typeof t !== 'string') return this.pushBytes(t);
    // At most 3 bytes per UTF-16 unit; write() would cut the text short without the room.
    this.reserve(t.length * 3);
    const written = this.bytes.write(t, this.length, 'utf8');
    this.length += written;
    return written;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/**
 * Reads the batches of one BatchEncoder, in the order it made them: conversations sent once are
 * remembered here as they are there.
 */
export class BatchDecoder {
  private readonly conversations: { key: string; members: string[] }[] = [];

  /** Calls `each` with every item of a batch, in order. */
  decode(batch: WireBatch, each: (item: ReadItem) => void): void {
    const n = batch.numbers;
    const v = batch.values;
    const buf = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    let at = 0;
    const bytes = (length: number): Buffer => {
      const b = buf.subarray(at, at + length);
      at += length;
      return b;
    };
    let vi = 0;
    let i = 0;
    while (i < n.length) {
      const tag = n[i];
      if (tag === MESSAGE && i + MESSAGE_NUMBERS <= n.length) {
        const flags = n[i + M_FLAGS] ?? 0;
        let sent: { key: string; members: string[] | null } | null = null;
        if ((flags & HAS_CONVERSATION) !== 0) {
          sent = { key: v[vi] as string, members: v[vi + 1] as string[] | null };
          vi += 2;
        }
        const { key: participantsKey, members } = this.conversation(n[i + M_SLOT] ?? NO_SLOT, sent);
        const names = (flags & HAS_NAMES) !== 0 ? (v[vi++] as [string, string][]) : [];
        const mediaSignature = (flags & HAS_MEDIA_SIGNATURE) !== 0 ? (v[vi++] as string) : '';
        const parts = (flags & HAS_PARTS) !== 0 ? (v[vi++] as PreparedMessage['parts']) : null;
        const addrs = (flags & HAS_ADDRS) !== 0 ? (v[vi++] as PreparedMessage['addrs']) : null;
        const searchText = (flags & HAS_SEARCH_TEXT) !== 0 ? (v[vi++] as string) : null;
        const kind = KINDS[n[i + M_KIND] ?? -1];
        const direction = DIRECTIONS[n[i + M_DIRECTION] ?? -1];
        if (kind === undefined || direction === undefined) throw new Error(`damaged import batch: message at ${i} has kind ${n[i + M_KIND]} and direction ${n[i + M_DIRECTION]}`);
        // In the order the encoder wrote them.
        const keyLength = n[i + M_KEY_LENGTH] ?? -1;
        const strictKey = keyLength === -1 ? null : bytes(keyLength);
        const contentHash = bytes(n[i + M_HASH_LENGTH] ?? 0);
        const addressLength = n[i + M_ADDRESS_LENGTH] ?? -1;
        const address = addressLength === -1 ? null : bytes(addressLength);
        const text = bytes(n[i + M_TEXT_LENGTH] ?? 0);
        const attrsStored = bytes(n[i + M_ATTRS_LENGTH] ?? 0);
        const m: PreparedMessage = {
          type: 'message',
          kind,
          dateMs: n[i + M_DATE] ?? 0,
          dateSentMs: orNull(n[i + M_DATE_SENT] ?? Number.NaN),
          direction,
          box: orNull(n[i + M_BOX] ?? Number.NaN),
          read: orNull(n[i + M_READ] ?? Number.NaN),
          participantsKey,
          members,
          names,
          rank: n[i + M_RANK] ?? 0,
          mediaSignature,
          mediaCount: n[i + M_MEDIA_COUNT] ?? 0,
          parts,
          addrs,
          searchText,
          secondsDate: (flags & SECONDS_DATE) !== 0,
          strictKey,
          contentHash,
          address,
          text,
          attrsStored,
        };
        i += MESSAGE_NUMBERS;
        each(m);
      } else if (tag === CALL && i + CALL_NUMBERS <= n.length) {
        const c: PreparedCall = {
          type: 'call',
          number: v[vi] as string | null,
          numberNorm: v[vi + 1] as string,
          dateMs: n[i + 1] ?? 0,
          durationS: orNull(n[i + 2] ?? Number.NaN),
          callType: orNull(n[i + 3] ?? Number.NaN),
          contactName: v[vi + 2] as string | null,
          attrsJson: v[vi + 3] as string,
          strictKey: bytes(n[i + 4] ?? 0),
        };
        vi += 4;
        i += CALL_NUMBERS;
        each(c);
      } else if (tag === OTHER) {
        i++;
        each(v[vi++] as ReadItem);
      } else {
        throw new Error(`damaged import batch: unknown tag ${String(tag)} at ${i}`);
      }
    }
  }

  private conversation(slot: number, sent: { key: string; members: string[] | null } | null): { key: string; members: string[] } {
    if (sent === null) {
      const known = this.conversations[slot];
      if (known === undefined) throw new Error(`damaged import batch: conversation ${slot} was never sent`);
      return known;
    }
    const c = { key: sent.key, members: sent.members ?? (sent.key === '' ? [] : sent.key.split(' ')) };
    if (slot !== NO_SLOT) this.conversations[slot] = c;
    return c;
  }
}
