import { describe, expect, it } from 'vitest';
import { Base64Stream, type DecodedMedia } from '../../../src/formats/sbr/base64-stream.js';
import { HashingSink, seeded, sha256 } from './helpers.js';

function decode(slices: readonly string[]): { result: DecodedMedia; sink: HashingSink } {
  const sink = new HashingSink();
  const stream = new Base64Stream(sink);
  for (const slice of slices) stream.write(slice);
  return { result: stream.finish(), sink };
}

/** Splits `text` at random places, some slices empty. */
function split(text: string, seed: number): string[] {
  const random = seeded(seed);
  const slices: string[] = [];
  for (let at = 0; at < text.length; ) {
    const size = Math.floor(random() * 9);
    slices.push(text.slice(at, at + size));
    at += size;
  }
  return slices;
}

describe('Base64Stream', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
  const text = bytes.toString('base64');

  it('decodes any slicing, with or without whitespace, to the same bytes', () => {
    const expected = { media: { sha256: sha256(bytes), size: bytes.length } };
    expect(decode([text]).result).toEqual(expected);
    for (let seed = 1; seed <= 20; seed++) expect(decode(split(text, seed)).result).toEqual(expected);
    const spaced = (text.match(/.{1,76}/g) ?? []).join('\r\n\t ');
    for (let seed = 1; seed <= 5; seed++) expect(decode(split(spaced, seed)).result).toEqual(expected);
  });

  it('decodes unpadded base64 and large values in blocks', () => {
    expect(decode(['QUJDRA']).result.media).toEqual({ sha256: sha256(Buffer.from('ABCD')), size: 4 });
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const { result, sink } = decode([big.toString('base64')]);
    expect(result.media).toEqual({ sha256: sha256(big), size: big.length });
    expect(sink.finished.length).toBe(1);
  });

  it('opens no writer for an empty value', () => {
    const { result, sink } = decode(['', ' \n']);
    expect(result).toEqual({ damage: 'empty', rawData: ' \n' });
    expect(sink.finished.length + sink.open + sink.aborted).toBe(0);
  });

  it('stops decoding at the first bad character, whatever the slicing', () => {
    const damaged = `${text.slice(0, 400)}*${text.slice(400)}`;
    const prefix = Buffer.from(text.slice(0, 400), 'base64');
    for (let seed = 1; seed <= 10; seed++) {
      const { result } = decode(split(damaged, seed));
      expect(result).toEqual({ media: { sha256: sha256(prefix), size: prefix.length }, damage: 'corrupt', rawData: damaged });
    }
  });

  it('accepts padding split from its data, but nothing after it', () => {
    expect(decode(['QQ', '=', '=']).result.damage).toBeUndefined();
    expect(decode(['QQ==', 'QQ==']).result.damage).toBe('corrupt');
    expect(decode(['QQ=', ' ', '=QQ']).result.damage).toBe('corrupt');
  });

  it('finds damage that base64 decoding alone would skip silently', () => {
    for (const bad of ['-', '_', '\u0000', '\u00e9', '=', '😀']) {
      const { result } = decode([`QUJD${bad}REVG`]);
      expect(result.damage, JSON.stringify(bad)).toBe('corrupt');
      expect(result.media?.size).toBe(3);
    }
    // 4k+1 characters with one of them bad: the length alone does not tell.
    expect(decode(['QUJD!']).result).toEqual({
      media: { sha256: sha256(Buffer.from('ABC')), size: 3 },
      damage: 'corrupt',
      rawData: 'QUJD!',
    });
  });

  it('keeps the valid prefix of a value damaged far into it', () => {
    const big = Buffer.alloc(300_000, 1);
    const base64 = big.toString('base64');
    const at = 360_000;
    const damaged = `${base64.slice(0, at)}#${base64.slice(at)}`;
    // Slices of an odd size: the damage is found inside a block, not at its edge.
    const { result } = decode(damaged.match(/[^]{1,70001}/g) ?? []);
    const prefix = Buffer.from(base64.slice(0, at), 'base64');
    expect(result.media).toEqual({ sha256: sha256(prefix), size: prefix.length });
    expect(result.damage).toBe('corrupt');
    expect(result.rawData).toBeUndefined();
  });

  it('decodes long slices where they lie, with the same bytes and damage as short ones', () => {
    const value = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 131 + (i >> 7)) % 256)).toString('base64');
    const spaced = (value.match(/.{1,76}/g) ?? []).join('\n');
    const damaged = (at: number, bad: string): string => `${value.slice(0, at)}${bad}${value.slice(at)}`;
    const values = [value, spaced, damaged(40_000, '*'), damaged(40_001, '*'), damaged(70_002, '='), damaged(9_000, ' '), `${value}==`];
    /** Slices of up to 12,000 characters: most long enough to be decoded where they lie. */
    const long = (text: string, seed: number): string[] => {
      const random = seeded(seed);
      const slices: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = random() < 0.2 ? Math.floor(random() * 8) : 4096 + Math.floor(random() * 8000);
        slices.push(text.slice(at, at + size));
        at += size;
      }
      return slices;
    };
    for (const [i, text] of values.entries()) {
      // Slices of at most 8 characters never take the direct path: they are the oracle.
      const expected = decode(split(text, 99)).result;
      for (let seed = 1; seed <= 8; seed++) expect(decode(long(text, seed)).result, `value ${i}, seed ${seed}`).toEqual(expected);
    }
    expect(decode(split(value, 99)).result.media?.size).toBe(100_003);
  });

  it('aborts the writer it opened', () => {
    const sink = new HashingSink();
    const stream = new Base64Stream(sink);
    stream.write(Buffer.alloc(300 * 1024).toString('base64'));
    expect(sink.open).toBe(1);
    stream.abort();
    expect([sink.open, sink.aborted]).toEqual([0, 1]);
  });
});
