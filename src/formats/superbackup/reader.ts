/**
 * Reads a Super Backup & Restore file (`<allsms>` or `<alllogs>`) into records: every attribute
 * kept as the file had it, in its order (`time` too, the phone's display string, never used as
 * the date), so that the writer gives the same file back.
 */
import type { ReadContext } from '../backup-unit.js';
import type { Attr } from '../records.js';
import { SuperBackupScanner, type ScannerOptions } from './scanner.js';

export const CREATOR = 'Super Backup & Restore';

export async function readSuperBackup(source: AsyncIterable<Buffer>, name: string, ctx: ReadContext): Promise<{ skipped: number }> {
  return readSuperBackupWith(source, name, ctx, {});
}

/** readSuperBackup with the scanner's options (the tests read the same file both ways). */
export async function readSuperBackupWith(source: AsyncIterable<Buffer>, name: string, ctx: ReadContext, options: ScannerOptions): Promise<{ skipped: number }> {
  const { handler } = ctx;
  const scanner = new SuperBackupScanner(name, {
    root: (root, attrs: Attr[]) => {
      handler.header({ content: root === 'allsms' ? 'messages' : 'calls', rootAttrs: attrs, creator: CREATOR });
    },
    element: (kind, attrs, position, attrText) => {
      if (kind === 'sms') handler.record({ kind: 'sms', attrs, position }, attrText);
      else handler.record({ kind: 'call', attrs, position });
    },
    warning: (code, message, line, column) => {
      handler.warning({ code, message, line, column });
    },
  }, options);
  for await (const chunk of source) scanner.push(chunk);
  scanner.end();
  return { skipped: 0 };
}
