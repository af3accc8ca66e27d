/**
 * Streams the elements of an array that is one member of a top-level JSON object
 * (`{"messageCount": 3, "messages": [...]}`, QKSMS), without parsing the whole file: the object's
 * start up to the array's `[` is read here (a few members, bounded), the array by
 * array-elements.ts element by element, and what follows it is collected (bounded). Once the array
 * has ended, the object around it (its members with the array left empty) is checked with
 * JSON.parse and returned, so a damaged or truncated wrapper is an error too.
 */
import { stripBom } from './lines.js';
import { arrayElements, JsonShapeError, type ArrayOptions, type ArrayTail, type Element } from './array-elements.js';
import { JsonParseError, parseJson } from './parse.js';
import { isObject, type JsonObject } from './values.js';

/** The object's members before the array: real files have one (`messageCount`). */
export const MAX_HEAD_BYTES = 1024 * 1024;

export interface MemberArray {
  /** The object's members before the array, known when the first element arrives (or the end). */
  head(): JsonObject;
  /** The whole object with the array left empty; set once the elements are done. */
  object: JsonObject | undefined;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The elements of `obj[key]` in `input`. `found.head()` gives the members read before the array.
 * An object without that member yields nothing; one whose member is not an array is refused.
 */
export async function* memberArrayElements(
  input: AsyncIterable<Buffer>,
  key: string,
  found: MemberArray,
  options: Pick<ArrayOptions, 'elementLimit'> = {},
): AsyncGenerator<Element> {
  const it = stripBom(input)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  // Scan state over the head's bytes.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let expectKey = false;
  let lastKey: string | undefined;
  let afterColon = false;
  let line = 1;
  let lineStart = 0;
  /** Absolute offset of byte 0 of the current chunk. */
  let base = 0;
  let arrayAt: { chunk: Buffer; at: number; line: number; column: number } | undefined;
  let closedAt = -1;

  const fail = (at: number, reason: string): never => {
    throw new JsonShapeError(line, at - lineStart + 1, reason);
  };

  scan: for (;;) {
    const next = await it.next();
    if (next.done === true) break;
    const chunk = next.value;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] ?? 0;
      const abs = base + i;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (stringStart !== -1) {
            // A key of the object: its text is in the head collected so far.
            const all = Buffer.concat([...head, chunk.subarray(0, i + 1)]);
            try {
              lastKey = JSON.parse(all.subarray(stringStart, abs + 1).toString('utf8')) as string;
            } catch {
              fail(abs, 'a key of the object is not a valid JSON string');
            }
            stringStart = -1;
          }
        } else if (c === 0x0a) fail(abs, 'a line break inside a string');
        continue;
      }
      if (c === 0x0a) {
        line++;
        lineStart = abs + 1;
        continue;
      }
      if (isSpace(c)) continue;
      if (depth === 0) {
        if (closedAt !== -1) fail(abs, 'unexpected content after the end of the object');
        if (c !== 0x7b) fail(abs, 'expected a JSON object ("{") at the start of the file');
        depth = 1;
        expectKey = true;
        continue;
      }
      if (depth === 1 && afterColon && c === 0x5b && lastKey === key) {
        arrayAt = { chunk, at: i, line, column: abs - lineStart + 1 };
        head.push(chunk.subarray(0, i));
        break scan;
      }
      afterColon = false;
      if (c === 0x22) {
        inString = true;
        stringStart = depth === 1 && expectKey ? abs : -1;
        if (depth === 1 && expectKey) expectKey = false;
      } else if (c === 0x3a) {
        if (depth === 1) afterColon = true;
      } else if (c === 0x2c) {
        if (depth === 1) {
          expectKey = true;
          lastKey = undefined;
        }
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) closedAt = abs;
      }
    }
    head.push(chunk);
    headBytes += chunk.length;
    base += chunk.length;
    if (headBytes > MAX_HEAD_BYTES) throw new JsonShapeError(line, 1, `no "${key}" array in the first ${MAX_HEAD_BYTES / 1024 / 1024} MiB of the object`);
  }

  const headText = Buffer.concat(head).toString('utf8');
  if (arrayAt === undefined) {
    if (headText.trim() === '') throw new JsonShapeError(1, 1, 'the file is empty');
    // No such member: the whole file is the object (or damaged).
    found.object = parseObject(headText, line, base - lineStart + 1);
    found.head = () => found.object ?? {};
    return;
  }
  const startedAt = arrayAt;
  let parsedHead: JsonObject | undefined;
  found.head = () => {
    // The head ends right before the array's `[`: closed with an empty array, it is the object so far.
    parsedHead ??= parseObject(`${headText}[]}`, startedAt.line, startedAt.column);
    return parsedHead;
  };
  const tail: ArrayTail = { chunks: [], bytes: 0, line: 0, column: 0 };
  async function* rest(): AsyncGenerator<Buffer> {
    yield startedAt.chunk.subarray(startedAt.at);
    for (;;) {
      const next = await it.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  yield* arrayElements(rest(), { ...options, origin: { line: startedAt.line, column: startedAt.column }, tail });
  const tailText = Buffer.concat(tail.chunks).toString('utf8');
  if (tailText.trim() === '') throw new JsonShapeError(tail.line, tail.column, `the file ends after the "${key}" array, before the object's closing "}" (truncated)`);
  found.object = parseObject(`${headText}[]${tailText}`, tail.line, tail.column);
}

function parseObject(text: string, line: number, column: number): JsonObject {
  let o: unknown;
  try {
    o = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    throw new JsonShapeError(line, column, `the object around the array ${e.message}; is the file truncated?`);
  }
  if (!isObject(o)) throw new JsonShapeError(line, column, 'expected a JSON object');
  return o;
}

