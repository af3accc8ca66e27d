/**
 * JSON.parse for one element or line of a backup, with what a hostile file needs on top: the
 * parser's message on one line (V8 quotes the text around the error, newlines and tabs included),
 * and a nesting limit. V8 parses any depth, but a value nested 100,000 deep overflows the stack
 * of whatever walks it next (JSON.stringify of an attribute): refused here, with a message.
 */

/** Deeper than any backup writes (Android's records nest 3-4 levels). */
import { oneLine } from '../errors.js';

export const MAX_JSON_DEPTH = 256;

export class JsonParseError extends Error {}

/** How deep arrays and objects nest in `text`, counting up to `limit + 1` (strings skipped). */
function depthOf(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new JsonParseError(`is not valid JSON (${oneLine((e as Error).message)})`);
  }
  // Only values with many brackets can be too deep: most elements skip the scan.
  if (typeof value === 'object' && value !== null && text.length > maxDepth && depthOf(text, maxDepth) > maxDepth) {
    throw new JsonParseError(`nests arrays and objects more than ${maxDepth} levels deep`);
  }
  return value;
}
