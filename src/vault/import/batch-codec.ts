/**
 * The wire form of a batch of prepared records between the reader worker and the import thread.
 *
 * Structured clone writes every property name of every object and rebuilds each object key by
 * key, and each small Uint8Array travels with an ArrayBuffer of its own; for a million SMS that
 * cost as much as a third of the SQLite work. Messages and calls therefore travel as runs of
 * plain values in one array, with all their keys, hashes and large texts packed in one buffer
 * that is transferred, not copied. Anything rarer (MMS parts and addresses, warnings, contacts,
 * rejections) keeps its object form. What repeats from message to message crosses once per
 * encoder: a conversation's key and members (then its number), a contact's name (then only when
 * it changes). So the batches of one encoder are read by one BatchDecoder, in order.
 */
import type { PreparedCall, PreparedMessage, Utf8Text } from './prepare-record.js';
import type { ReadItem } from './read-protocol.js';

export interface WireBatch {
  values: unknown[];
  /**
   * Keys, hashes and the messages' large texts (address, text, attributes) as UTF-8, back to
   * back; `values` holds their lengths (-1 for a missing address). Transferred, not copied.
   */
  bytes: Uint8Array<ArrayBuffer>;
}

const MESSAGE = 0;
const CALL = 1;
const OTHER = 2;

/**
 * A batch's byte buffer starts this large and doubles; 100 SMS take ~50-70 KB. Each buffer has an
 * ArrayBuffer of its own (allocUnsafeSlow: never the shared pool), so it can be transferred; below
 * 128 KiB, malloc takes it from its heap instead of mapping fresh pages for every batch.
 */
const INITIAL_BYTES = 96 * 1024;
/** Numbers whose last sent name the encoder remembers; past this it forgets them all (and sends names again). */
const MAX_REMEMBERED_NAMES = 10_000;
/**
 * Conversations given a number on the wire. Past this many, further ones travel by key every
 * time: a file of a million one-off conversations must not grow both threads' maps without end.
 */
const MAX_CONVERSATION_SLOTS = 10_000;
/** The wire's conversation slot of a conversation sent by key, not remembered. */
const NO_SLOT = -1;

export class BatchEncoder {
  private values: unknown[] = [];
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
    const v = this.values;
    if (item.type === 'message') {
      const m = item;
      let slot = this.slots.get(m.participantsKey);
      if (slot !== undefined) {
        v.push(MESSAGE, m.kind, m.dateMs, m.dateSentMs, m.direction, m.box, m.read, slot, null, null);
      } else {
        slot = this.slots.size < MAX_CONVERSATION_SLOTS ? this.slots.size : NO_SLOT;
        if (slot !== NO_SLOT) this.slots.set(m.participantsKey, slot);
        // participantsKey is the members joined by spaces: send them only when a member has one.
        const members = m.members.some((x) => x.includes(' ')) ? m.members : null;
        v.push(MESSAGE, m.kind, m.dateMs, m.dateSentMs, m.direction, m.box, m.read, slot, m.participantsKey, members);
      }
      v.push(this.newNames(m.names), m.rank, m.mediaSignature, m.mediaCount, m.parts, m.addrs, m.searchText);
      this.pushBytes(m.strictKey);
      this.pushBytes(m.contentHash);
      // The import thread binds these as they arrive: text as UTF-8 is what SQLite stores, and
      // V8 turning a string into UTF-8 there cost ~0.8 s of its time per 1,000,000 SMS.
      if (m.address === null) v.push(-1);
      else this.pushText(m.address);
      this.pushText(m.text);
      this.pushText(m.attrsStored);
    } else if (item.type === 'call') {
      const c = item;
      v.push(CALL, c.number, c.numberNorm, c.dateMs, c.durationS, c.callType, c.contactName, c.attrsJson);
      this.pushBytes(c.strictKey);
    } else {
      v.push(OTHER, item);
    }
  }

  private newNames(names: [string, string][]): [string, string][] | null {
    let changed: [string, string][] | null = null;
    for (const pair of names) {
      if (this.sentNames.get(pair[0]) === pair[1]) continue;
      if (this.sentNames.size >= MAX_REMEMBERED_NAMES) this.sentNames.clear();
      this.sentNames.set(pair[0], pair[1]);
      (changed ??= []).push(pair);
    }
    return changed;
  }

  /** The batch so far, and a fresh start. Post it with `batch.bytes.buffer` transferred. */
  take(): WireBatch {
    const batch = { values: this.values, bytes: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.length) };
    this.values = [];
    this.bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    this.length = 0;
    this.count = 0;
    return batch;
  }

  private pushBytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    this.values.push(b.length);
  }

  private pushText(t: Utf8Text): void {
    if (typeof t !== 'string') {
      this.pushBytes(t);
      return;
    }
    // At most 3 bytes per UTF-16 unit; write() would cut the text short without the room.
    this.reserve(t.length * 3);
    const written = this.bytes.write(t, this.length, 'utf8');
    this.length += written;
    this.values.push(written);
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
    const v = batch.values;
    const buf = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    let at = 0;
    const bytes = (length: number): Buffer => {
      const b = buf.subarray(at, at + length);
      at += length;
      return b;
    };
    let i = 0;
    while (i < v.length) {
      const tag = v[i++];
      if (tag === MESSAGE) {
        const { key: participantsKey, members } = this.conversation(v[i + 6] as number, v[i + 7] as string | null, v[i + 8] as string[] | null);
        // In the order the encoder wrote them.
        const strictKey = bytes(v[i + 16] as number);
        const contentHash = bytes(v[i + 17] as number);
        const address = v[i + 18] === -1 ? null : bytes(v[i + 18] as number);
        const text = bytes(v[i + 19] as number);
        const attrsStored = bytes(v[i + 20] as number);
        const m: PreparedMessage = {
          type: 'message',
          kind: v[i] as PreparedMessage['kind'],
          dateMs: v[i + 1] as number,
          dateSentMs: v[i + 2] as number | null,
          direction: v[i + 3] as PreparedMessage['direction'],
          box: v[i + 4] as number | null,
          read: v[i + 5] as number | null,
          participantsKey,
          members,
          names: (v[i + 9] as [string, string][] | null) ?? [],
          rank: v[i + 10] as number,
          mediaSignature: v[i + 11] as string,
          mediaCount: v[i + 12] as number,
          parts: v[i + 13] as PreparedMessage['parts'],
          addrs: v[i + 14] as PreparedMessage['addrs'],
          searchText: v[i + 15] as string | null,
          strictKey,
          contentHash,
          address,
          text,
          attrsStored,
        };
        i += 21;
        each(m);
      } else if (tag === CALL) {
        const c: PreparedCall = {
          type: 'call',
          number: v[i] as string | null,
          numberNorm: v[i + 1] as string,
          dateMs: v[i + 2] as number,
          durationS: v[i + 3] as number | null,
          callType: v[i + 4] as number | null,
          contactName: v[i + 5] as string | null,
          attrsJson: v[i + 6] as string,
          strictKey: bytes(v[i + 7] as number),
        };
        i += 8;
        each(c);
      } else if (tag === OTHER) {
        each(v[i++] as ReadItem);
      } else {
        throw new Error(`damaged import batch: unknown tag ${String(tag)} at ${i - 1}`);
      }
    }
  }

  private conversation(slot: number, key: string | null, members: string[] | null): { key: string; members: string[] } {
    if (key === null) {
      const known = this.conversations[slot];
      if (known === undefined) throw new Error(`damaged import batch: conversation ${slot} was never sent`);
      return known;
    }
    const c = { key, members: members ?? (key === '' ? [] : key.split(' ')) };
    if (slot !== NO_SLOT) this.conversations[slot] = c;
    return c;
  }
}
