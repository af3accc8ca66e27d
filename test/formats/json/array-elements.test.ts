import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { arrayElements, JsonShapeError } from '../../../src/formats/json/array-elements.js';

async function elements(text: string, chunk: number): Promise<unknown[]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const out: unknown[] = [];
  for await (const el of arrayElements(Readable.from(chunks))) out.push(JSON.parse(el.text));
  return out;
}

/** A deterministic pseudo-random JSON value with every kind of token and tricky strings. */
function value(seed: { n: number }, depth: number): unknown {
  const r = (seed.n = (seed.n * 1103515245 + 12345) & 0x7fffffff) % 9;
  const strings = ['', 'a,b]', '\\"}{', '😀 emoji', 'line\nbreak', '\u0000\u001f', '[{"nested": "not"}]', 'é'];
  if (depth > 3 || r < 3) return [1, -2.5e3, true, false, null, 'x', 0, 17][r % 8];
  if (r < 5) return strings[seed.n % strings.length];
  if (r < 7) return Array.from({ length: seed.n % 4 }, () => value(seed, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < seed.n % 5; i++) o[`k${i}${strings[i] ?? ''}`] = value(seed, depth + 1);
  return o;
}

describe('streaming JSON array splitter (oracle: JSON.parse of the whole text)', () => {
  it('yields exactly what JSON.parse gives, for any chunking and formatting', async () => {
    const seed = { n: 42 };
    for (let round = 0; round < 60; round++) {
      const arr = Array.from({ length: (round % 7) + 1 }, () => value(seed, 0));
      const texts = [JSON.stringify(arr), JSON.stringify(arr, null, round % 3), `\uFEFF \n${JSON.stringify(arr, null, '\t')}\n\n`];
      for (const text of texts) {
        const expected = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown[];
        for (const chunk of [1, 3, 64, 1 << 16]) expect(await elements(text, chunk)).toEqual(expected);
      }
    }
    expect(await elements('[]', 1)).toEqual([]);
    expect(await elements(' [ ] ', 2)).toEqual([]);
  });

  it('gives line and column of the damage', async () => {
    const cases: [string, RegExp, number][] = [
      ['{"a": 1}', /expected a JSON array/, 1],
      ['[{"a": 1},\n  {"b": 2}', /truncated/, 2],
      ['[{"a": 1}\n {"b": 2}]', /separated by commas/, 2],
      ['[{"a": 1},,{"b":2}]', /empty element/, 1],
      ['[{"a": 1},]', /comma is followed by "]"/, 1],
      ['[1] x', /after the end of the array/, 1],
      ['', /the file is empty/, 1],
    ];
    for (const [text, re, line] of cases) {
      const err = await elements(text, 4).catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(JsonShapeError);
      expect((err as Error).message).toMatch(re);
      expect((err as JsonShapeError).line).toBe(line);
    }
  });
});
