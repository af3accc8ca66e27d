/** vCard files as BackupUnits of contacts. */
import type { BackupUnit } from '../backup-unit.js';
import { streamUnits } from '../stream-unit.js';
import { readVcards } from './parser.js';

export function vcardUnits(file: string): Promise<BackupUnit[]> {
  return streamUnits(file, 'vcard', 'contacts', async (source, _name, ctx) => {
    ctx.handler.header({ content: 'contacts', rootAttrs: [] });
    for await (const c of readVcards(source, ctx.sink)) ctx.handler.contact?.(c);
    return { skipped: 0 };
  });
}
