/**
 * Reads a JSON-array backup element by element (array-elements.ts) and turns parse and shape
 * errors into the errors every reader raises: MalformedBackupError with line:column, or with
 * `salvage` a skipped element and a `line-skipped` warning.
 */
import { MalformedBackupError } from '../errors.js';
import type { RecordHandler } from '../records.js';
import { arrayElements, JsonShapeError, type Element } from './array-elements.js';
import { JsonParseError, parseJson } from './parse.js';
import { isObject, type JsonObject } from './values.js';

export interface ElementStats {
  elements: number;
  skipped: number;
  firstSkipped?: string;
}

/** Rejects one element; the reader skips it under salvage. */
export class ElementError extends Error {}

export async function forEachObject(
  source: AsyncIterable<Buffer>,
  opts: { file: string; salvage: boolean; handler: RecordHandler },
  each: (o: JsonObject, el: Element) => Promise<void> | void,
): Promise<ElementStats> {
  return forEachElementObject(arrayElements(source), opts, each);
}

/** forEachObject over elements found otherwise (an array inside an object: member-array.ts). */
export async function forEachElementObject(
  elements: AsyncIterable<Element>,
  opts: { file: string; salvage: boolean; handler: RecordHandler },
  each: (o: JsonObject, el: Element) => Promise<void> | void,
): Promise<ElementStats> {
  const stats: ElementStats = { elements: 0, skipped: 0 };
  try {
    for await (const el of elements) {
      stats.elements++;
      try {
        let o: unknown;
        try {
          o = parseJson(el.text);
        } catch (e) {
          throw e instanceof JsonParseError ? new ElementError(e.message) : e;
        }
        if (!isObject(o)) throw new ElementError('is not a JSON object');
        await each(o, el);
      } catch (e) {
        if (!(e instanceof ElementError)) throw e;
        const reason = `element #${el.index + 1} (line ${el.line}) ${e.message}`;
        if (!opts.salvage) throw new MalformedBackupError(opts.file, el.line, el.column, `${reason}; fix or delete it, or import with --salvage to skip it`);
        stats.skipped++;
        stats.firstSkipped ??= reason;
        opts.handler.warning({ code: 'line-skipped', message: `${reason}; skipped`, line: el.line, column: el.column });
      }
    }
  } catch (e) {
    if (e instanceof JsonShapeError) throw new MalformedBackupError(opts.file, e.line, e.column, e.message);
    throw e;
  }
  return stats;
}
