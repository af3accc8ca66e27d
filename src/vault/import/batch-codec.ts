/**
 * The wire form of a batch of prepared records between the reader worker and the import thread.
 *
 * Structured clone writes every property name of every object and rebuilds each object key by
 * key, and each small Uint8Array travels with an ArrayBuffer of its own; for a million SMS that
 * cost as much as a third of the SQLite work. Messages and calls therefore travel as runs of
 * plain values in one array, with all their keys and hashes packed in one buffer. Anything rarer
 * (MMS parts and addresses, warnings, contacts, rejections) keeps its object form.
 */
import type { PreparedCall, PreparedMessage } from './prepare-record.js';
import type { ReadItem } from './read-protocol.js';

export interface WireBatch {
  values: unknown[];
  /** Keys and hashes, back to back; `values` holds their lengths. */
  bytes: Uint8Array;
}

const MESSAGE = 0;
const CALL = 1;
const OTHER = 2;

export class BatchEncoder {
  private values: unknown[] = [];
  private chunks: Uint8Array[] = [];
  private byteLength = 0;
  /** Items added since the last take(). */
  count = 0;

  add(item: ReadItem): void {
    this.count++;
    const v = this.values;
    if (item.type === 'message') {
      const m = item;
      // participantsKey is the members joined by spaces: send them only when a member has one.
      const members = m.members.some((x) => x.includes(' ')) ? m.members : null;
      v.push(MESSAGE, m.kind, m.dateMs, m.dateSentMs, m.direction, m.box, m.address, m.text, m.read, m.attrsStored, m.participantsKey);
      v.push(members, m.names.length === 0 ? null : m.names, m.rank, m.mediaSignature, m.mediaCount, m.parts, m.addrs, m.searchText);
      this.pushBytes(m.strictKey);
      this.pushBytes(m.contentHash);
    } else if (item.type === 'call') {
      const c = item;
      v.push(CALL, c.number, c.numberNorm, c.dateMs, c.durationS, c.callType, c.contactName, c.attrsJson);
      this.pushBytes(c.strictKey);
    } else {
      v.push(OTHER, item);
    }
  }

  /** The batch so far, and a fresh start. */
  take(): WireBatch {
    const bytes = new Uint8Array(this.byteLength);
    let at = 0;
    for (const c of this.chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    const batch = { values: this.values, bytes };
    this.values = [];
    this.chunks = [];
    this.byteLength = 0;
    this.count = 0;
    return batch;
  }

  private pushBytes(b: Uint8Array): void {
    this.values.push(b.length);
    this.chunks.push(b);
    this.byteLength += b.length;
  }
}

/** Calls `each` with every item of a batch, in order. */
export function decodeBatch(batch: WireBatch, each: (item: ReadItem) => void): void {
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
      const participantsKey = v[i + 9] as string;
      const members = (v[i + 10] as string[] | null) ?? (participantsKey === '' ? [] : participantsKey.split(' '));
      const m: PreparedMessage = {
        type: 'message',
        kind: v[i] as PreparedMessage['kind'],
        dateMs: v[i + 1] as number,
        dateSentMs: v[i + 2] as number | null,
        direction: v[i + 3] as PreparedMessage['direction'],
        box: v[i + 4] as number | null,
        address: v[i + 5] as string | null,
        text: v[i + 6] as string,
        read: v[i + 7] as number | null,
        attrsStored: v[i + 8] as string,
        participantsKey,
        members,
        names: (v[i + 11] as [string, string][] | null) ?? [],
        rank: v[i + 12] as number,
        mediaSignature: v[i + 13] as string,
        mediaCount: v[i + 14] as number,
        parts: v[i + 15] as PreparedMessage['parts'],
        addrs: v[i + 16] as PreparedMessage['addrs'],
        searchText: v[i + 17] as string | null,
        strictKey: bytes(v[i + 18] as number),
        contentHash: bytes(v[i + 19] as number),
      };
      i += 20;
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
