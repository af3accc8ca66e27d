import { describe, expect, it } from 'vitest';
import { BatchDecoder, BatchEncoder, transferList } from '../../../src/vault/import/batch-codec.js';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { textOf, type PreparedCall, type PreparedMessage } from '../../../src/vault/import/prepare-record.js';
import type { ReadItem } from '../../../src/vault/import/read-protocol.js';

const key = (n: number, length: number): Buffer => Buffer.alloc(length, n);

function message(over: Partial<PreparedMessage>): PreparedMessage {
  return {
    type: 'message',
    kind: 'sms',
    dateMs: 1_700_000_000_123,
    dateSentMs: null,
    direction: 'in',
    secondsDate: false,
    box: 1,
    address: '+15550001111',
    text: 'héllo 👋\n',
    searchText: null,
    read: 1,
    attrsStored: ' body="héllo"',
    participantsKey: '+15550001111',
    members: ['+15550001111'],
    names: [],
    strictKey: key(1, 24),
    contentHash: key(2, 16),
    rank: 1,
    mediaSignature: '',
    mediaCount: 0,
    parts: null,
    addrs: null,
    ...over,
  };
}

describe('the reader worker batch codec', () => {
  it('gives back every item, in order, through a structured clone', () => {
    const call: PreparedCall = {
      type: 'call',
      number: null,
      numberNorm: '',
      dateMs: -5,
      durationS: null,
      callType: 3,
      contactName: 'Ann',
      attrsJson: '[]',
      strictKey: key(9, 24),
    };
    const items: ReadItem[] = [
      message({}),
      // A member with a space (an e-mail sender written oddly) and a group with names.
      message({ participantsKey: 'a b +1555', members: ['a b', '+1555'], names: [['+1555', 'Bo']], strictKey: key(3, 24), contentHash: key(4, 16) }),
      message({ text: '你好', searchText: ' 你  好 ', address: null }),
      // Longer than the batch's first buffer: it grows.
      message({ text: 'é'.repeat(300_000), attrsStored: ` body="${'é'.repeat(300_000)}"`, address: '' }),
      message({ participantsKey: '', members: [], kind: 'mms', mediaCount: 1, mediaSignature: 'abc', parts: [{ attrsJson: '[]', contentType: 'image/png', blobSha256: 'abc', size: 3, damage: null, rawData: null }], addrs: [], secondsDate: true }),
      // Numbers that are null, negative or past 2^32, every direction, an MMS without parts but with addresses.
      message({ kind: 'mms', direction: 'unknown', box: null, read: null, dateSentMs: -1, dateMs: -86_400_000, rank: 0, parts: null, addrs: [{ attrsJson: '[]', address: null, addressNorm: null, type: 151 }] }),
      message({ direction: 'out', box: 2, read: 0, dateSentMs: 4_102_444_800_000, contentHash: new Uint8Array(0) }),
      // A key the writer derives (prepare-record.ts) stays absent across the threads.
      message({ strictKey: null }),
      call,
      { type: 'warning', warning: { code: 'lone-surrogate', message: 'm', line: 1, column: 2 } },
      { type: 'reject', warning: { code: 'record-rejected', message: 'sms #1 rejected', line: 3, column: 4 } },
    ];
    const encoder = new BatchEncoder();
    for (const i of items) encoder.add(i);
    expect(encoder.count).toBe(items.length);
    const sent = encoder.take();
    expect(encoder.count).toBe(0);
    // As the worker posts it: the bytes are moved, not copied.
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(sent, transferList(sent));
    expect(sent.bytes.byteLength).toBe(0);
    expect(sent.numbers.length).toBe(0);
    const wire = receiveMessageOnPort(port2)?.message as typeof sent;
    port1.close();
    const back: ReadItem[] = [];
    new BatchDecoder().decode(wire, (i) => back.push(i));
    const plain = (list: ReadItem[]): unknown =>
      list.map((i) =>
        i.type === 'message'
          ? { ...i, address: i.address === null ? null : textOf(i.address), text: textOf(i.text), attrsStored: textOf(i.attrsStored), strictKey: i.strictKey === null ? null : [...i.strictKey], contentHash: [...i.contentHash] }
          : i.type === 'call'
            ? { ...i, strictKey: [...i.strictKey] }
            : i,
      );
    expect(plain(back)).toEqual(plain(items));
    // The large texts arrive as the UTF-8 SQLite stores, not as strings to convert again.
    const first = back[0];
    expect(first?.type === 'message' && Buffer.isBuffer(first.attrsStored)).toBe(true);
  });

  it("sends a number's name only when it differs from the last one sent for it (the archive keeps the latest)", () => {
    const encoder = new BatchEncoder();
    const given: [string, string][][] = [[['+1555', 'Bo']], [['+1555', 'Bo']], [['+1555', 'Bob'], ['+1666', 'Cy']], [['+1555', 'Bo']], []];
    for (const names of given) encoder.add(message({ names }));
    const first = encoder.take();
    // A new batch remembers what earlier batches sent.
    encoder.add(message({ names: [['+1666', 'Cy']] }));
    const second = encoder.take();
    const received: [string, string][][] = [];
    const decoder = new BatchDecoder();
    for (const batch of [first, second]) decoder.decode(batch, (i) => received.push(i.type === 'message' ? i.names : []));
    expect(received).toEqual([[['+1555', 'Bo']], [], [['+1555', 'Bob'], ['+1666', 'Cy']], [['+1555', 'Bo']], [], []]);
    // What the archive ends up with: the latest name of each number, as if every name had been sent.
    const latest = (lists: [string, string][][]): Map<string, string> => new Map(lists.flat());
    expect(latest(received)).toEqual(latest([...given, [['+1666', 'Cy']]]));
  });

  it("sends a conversation's key and members once, then its number, across batches", () => {
    const encoder = new BatchEncoder();
    const group = { participantsKey: 'a b +1555', members: ['a b', '+1555'] };
    encoder.add(message(group));
    encoder.add(message({}));
    const first = encoder.take();
    encoder.add(message(group));
    encoder.add(message({}));
    const second = encoder.take();
    // Only the first batch carries the keys.
    expect(JSON.stringify(second.values)).not.toContain('+1555');
    const decoder = new BatchDecoder();
    const got: [string, string[]][] = [];
    for (const batch of [first, second]) decoder.decode(batch, (i) => got.push(i.type === 'message' ? [i.participantsKey, i.members] : ['', []]));
    expect(got).toEqual([
      ['a b +1555', ['a b', '+1555']],
      ['+15550001111', ['+15550001111']],
      ['a b +1555', ['a b', '+1555']],
      ['+15550001111', ['+15550001111']],
    ]);
    // Past 10,000 conversations the rest travel by key every time, and still arrive right.
    const many = new BatchEncoder();
    const keys = Array.from({ length: 10_003 }, (_, n) => `+1${String(n).padStart(9, '0')}`);
    for (const k of [...keys, keys[10_002] ?? '', keys[5] ?? '']) many.add(message({ participantsKey: k, members: [k] }));
    const arrived: string[] = [];
    new BatchDecoder().decode(many.take(), (i) => arrived.push(i.type === 'message' ? `${i.participantsKey}/${i.members.join()}` : ''));
    expect(arrived).toEqual([...keys, keys[10_002] ?? '', keys[5] ?? ''].map((k) => `${k}/${k}`));
    // A decoder that missed the first batch cannot make the conversation up.
    expect(() => {
      new BatchDecoder().decode(second, () => undefined);
    }).toThrow(/conversation 0 was never sent/);
  });

  it('sends an SMS of a known conversation whose names did not change as numbers and bytes alone', () => {
    const encoder = new BatchEncoder();
    encoder.add(message({ names: [['+15550001111', 'Ann']] }));
    encoder.take();
    for (let n = 0; n < 100; n++) encoder.add(message({ names: [['+15550001111', 'Ann']], dateMs: 1_700_000_000_000 + n }));
    const batch = encoder.take();
    // Nothing for structured clone to walk: 100 SMS are one array of numbers and one of bytes.
    expect(batch.values).toEqual([]);
    expect(batch.numbers.length).toBe(100 * 16);
    const dates: number[] = [];
    const decoder = new BatchDecoder();
    const first = new BatchEncoder();
    first.add(message({ names: [['+15550001111', 'Ann']] }));
    decoder.decode(first.take(), () => undefined);
    decoder.decode(batch, (i) => dates.push(i.type === 'message' ? i.dateMs : 0));
    expect(dates).toEqual(Array.from({ length: 100 }, (_, n) => 1_700_000_000_000 + n));
  });

  it('refuses a damaged batch instead of misreading it', () => {
    expect(() => {
      new BatchDecoder().decode({ numbers: new Float64Array([7]), values: [], bytes: new Uint8Array(0) }, () => undefined);
    }).toThrow(/unknown tag 7/);
    // A message cut short is not read past the end of its numbers.
    const encoder = new BatchEncoder();
    encoder.add(message({}));
    const whole = encoder.take();
    expect(() => {
      new BatchDecoder().decode({ ...whole, numbers: whole.numbers.subarray(0, 10) }, () => undefined);
    }).toThrow(/unknown tag 0 at 0/);
    expect(() => {
      new BatchDecoder().decode({ ...whole, numbers: Float64Array.from(whole.numbers, (x, i) => (i === 1 ? 5 : x)) }, () => undefined);
    }).toThrow(/kind 5/);
  });
});
