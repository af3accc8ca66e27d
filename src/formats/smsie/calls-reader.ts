/**
 * Reads SMS Import/Export's call log (calls-*.json): one JSON array of call_log rows, every
 * value a string, the contact's name in `display_name`.
 */
import { forEachObject, type ElementStats } from '../json/element-reader.js';
import type { Attrs, RecordHandler } from '../records.js';
import { callObject, flatAttrs, readEmbedded, sameVisible } from './mapping.js';

export async function readSmsIeCalls(source: AsyncIterable<Buffer>, opts: { file: string; handler: RecordHandler; salvage: boolean }): Promise<ElementStats> {
  opts.handler.header({ content: 'calls', rootAttrs: [] });
  return forEachObject(source, opts, (o, el) => {
    let attrs: Attrs = flatAttrs(o, 'display_name');
    const e = readEmbedded(o);
    if (e !== undefined && sameVisible(callObject(e.a), o)) attrs = e.a;
    opts.handler.record({ kind: 'call', attrs, position: { line: el.line, column: el.column, index: el.index } });
  });
}
