/** The array inside an object (QKSMS's `{"messageCount": N, "messages": [...]}`), oracle JSON.parse. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonShapeError } from '../../../src/formats/json/array-elements.js';
import { memberArrayElements, type MemberArray } from '../../../src/formats/json/member-array.js';

interface Got {
  elements: unknown[];
  positions: [number, number][];
  texts: string[];
  head: unknown;
  object: unknown;
}

async function read(text: string, chunk: number): Promise<Got> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const found: MemberArray = { head: () => ({}), object: undefined };
  const got: Got = { elements: [], positions: [], texts: [], head: undefined, object: undefined };
  for await (const el of memberArrayElements(Readable.from(chunks), 'messages', found)) {
    got.head ??= found.head();
    got.elements.push(JSON.parse(el.text));
    got.positions.push([el.line, el.column]);
    got.texts.push(el.text);
  }
  got.object = found.object;
  return got;
}

describe('memberArrayElements', () => {
  it('yields the elements of the member, with their positions, and the object around it, for any chunking and member order', async () => {
    const messages = [{ a: 1, s: 'x,]}"\\' }, [1, [2]], 'str]', 3, null, { n: { m: ['"messages": ['] } }];
    const objects = [
      { messageCount: 6, messages },
      { messages, messageCount: 6 },
      { before: { messages: [9], s: '"messages": [' }, messages, after: [1, 2] },
      { 'mes\\"sages': [], messages: [] },
    ];
    for (const o of objects) {
      for (const text of [JSON.stringify(o), JSON.stringify(o, null, '\t'), `\uFEFF\n ${JSON.stringify(o, null, 3)}\n`]) {
        const bare = text.replace(/^\uFEFF/, '');
        const lineStarts = [0];
        for (let i = 0; i < bare.length; i++) if (bare[i] === '\n') lineStarts.push(i + 1);
        for (const chunk of [1, 2, 5, 64, 1 << 16]) {
          const got = await read(text, chunk);
          expect(got.elements, text).toEqual(o.messages);
          expect(got.object).toEqual({ ...o, messages: [] });
          // Each element's text is in the file where its line and column say (ASCII: columns are bytes).
          got.texts.forEach((t, i) => {
            const [line, column] = got.positions[i] ?? [0, 0];
            expect(bare.startsWith(t, (lineStarts[line - 1] ?? -1e9) + column - 1), `${text} #${i}`).toBe(true);
          });
        }
      }
    }
  });

  it('an object without the member yields nothing; damage has a line and column', async () => {
    expect(await read('{"messageCount": 0}', 3)).toEqual({ elements: [], positions: [], texts: [], head: undefined, object: { messageCount: 0 } });
    const cases: [string, RegExp, number][] = [
      ['', /the file is empty/, 1],
      ['[1]', /expected a JSON object/, 1],
      ['{"messageCount": 1,\n"messages": [1,\n2', /ends inside the array/, 3],
      ['{"messageCount": 1,\n"messages": [1]\n', /before the object's closing "\}"/, 2],
      ['{"messageCount": 1,\n"messages": [1]} {}', /not valid JSON/, 2],
      ['{"messageCount": 1 2,\n"messages": [1]}', /not valid JSON/, 2],
      ['{"messageCount": 1}\n{', /after the end of the object/, 2],
      ['{"a\n": 1}', /line break inside a string/, 1],
    ];
    for (const [text, re, line] of cases) {
      const err = await read(text, 4).catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(JsonShapeError);
      expect((err as Error).message, text).toMatch(re);
      expect((err as JsonShapeError).line, text).toBe(line);
    }
  });

  it('bounds what it holds around the array: the members before it and after it, 1 MiB each', async () => {
    const pad = 'x'.repeat(2 * 1024 * 1024);
    const before = await read(`{"pad": "${pad}", "messages": [1]}`, 64 * 1024).catch((e: unknown) => e);
    expect((before as Error).message).toMatch(/no "messages" array in the first 1 MiB of the object/);
    const after = await read(`{"messages": [1], "pad": "${pad}"}`, 64 * 1024).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(JsonShapeError);
    expect((after as Error).message).toMatch(/more than 1 MiB follow the array/);
  });
});
