/** vCard files as BackupUnits of contacts. */
import type { BackupUnit } from '../backup-unit.js';
import type { InputEntry } from '../container.js';
import type { InputLimits } from '../limits.js';
import { streamUnit, streamUnits, type StreamReader } from '../stream-unit.js';
import { readVcards } from './parser.js';

const readContacts: StreamReader = async (source, _name, ctx) => {
  ctx.handler.header({ content: 'contacts', rootAttrs: [] });
  for await (const c of readVcards(source, ctx.sink)) ctx.handler.contact?.(c);
  return { skipped: 0 };
};

export function vcardUnits(file: string, limits?: InputLimits): Promise<BackupUnit[]> {
  return streamUnits(file, 'vcard', 'contacts', readContacts, undefined, limits);
}

/** One vCard file inside another backup (a Super Backup folder or ZIP). */
export function vcardUnit(entry: InputEntry): BackupUnit {
  const unit = streamUnit(entry, 'vcard', 'contacts', readContacts);
  return entry.entryName === undefined ? unit : { ...unit, entryName: entry.entryName };
}
