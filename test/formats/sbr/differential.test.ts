import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCalls, generateMessages } from './generate.js';
import { type Chunking, DEDUP_FIXTURES, SBR_FIXTURES, fixture, readBuffer } from './helpers.js';
import { plain, readWithSaxes } from './normalize.js';

/** The reader and saxes, a conforming parser, must see the same records in the same order. */
function compareWithSaxes(data: Buffer, chunking: Chunking = 'whole'): void {
  const expected = readWithSaxes(data.toString('utf8'));
  const result = readBuffer(data, chunking);
  expect(result.error).toBeUndefined();
  expect(plain(result.records)).toEqual(expected);
}

const FIXTURES = [
  ...readdirSync(SBR_FIXTURES).map((name) => ({ dir: SBR_FIXTURES, name })),
  ...readdirSync(DEDUP_FIXTURES).map((name) => ({ dir: DEDUP_FIXTURES, name })),
];

describe('differential against saxes', () => {
  const accepted = FIXTURES.filter(({ dir, name }) => {
    try {
      readWithSaxes(fixture(dir, name).toString('utf8'));
      return true;
    } catch {
      return false;
    }
  });

  it('saxes refuses only the fixtures with quirks it does not accept', () => {
    const refused = FIXTURES.filter((f) => !accepted.includes(f)).map((f) => f.name);
    // Surrogate-pair references, and a file cut short.
    expect(refused.sort()).toEqual(['google-messages-truncated.xml', 'utf16-surrogates.xml']);
  });

  it.each(accepted)('$name: same records as saxes', ({ dir, name }) => {
    compareWithSaxes(fixture(dir, name));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('generated messages file (seed %i): same records as saxes', (seed) => {
    const xml = generateMessages(seed, 150);
    compareWithSaxes(Buffer.from(xml), { random: seed, max: 4096 });
  });

  it.each([1, 2, 3])('generated calls file (seed %i): same records as saxes', (seed) => {
    const data = Buffer.from(generateCalls(seed, 200));
    compareWithSaxes(data, { random: seed, max: 300 });
    const result = readBuffer(data);
    expect(result.header?.content).toBe('calls');
    expect(result.records.every((r) => r.kind === 'call')).toBe(true);
  });

  it('generated file pushed byte by byte: same records as saxes', () => {
    compareWithSaxes(Buffer.from(generateMessages(99, 60)), 1);
  });
});
