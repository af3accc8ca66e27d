/**
 * SMS Backup & Restore files as BackupUnits: one per XML file, or one per XML entry of a ZIP.
 */
import { digestEntry, openInput, readHead, type InputEntry } from '../container.js';
import type { BackupUnit, ReadContext, ReadOutcome } from '../backup-unit.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';
import { prefixReadable, readPlainSbr } from './prefix-read.js';
import { readSbr } from './reader.js';

export async function sbrUnits(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<BackupUnit[]> {
  const entries = await openInput(file, limits);
  return entries.map((entry) => sbrUnit(entry, limits));
}

export function sbrUnit(entry: InputEntry, limits: InputLimits = DEFAULT_INPUT_LIMITS): BackupUnit {
  return {
    format: 'sbr',
    // Refined by the root element when read; calls files are known only then.
    content: 'messages',
    name: entry.name,
    file: entry.file,
    ...(entry.entryName === undefined ? {} : { entryName: entry.entryName }),
    sizeOnDisk: entry.sizeOnDisk,
    digestSize: entry.digestSize,
    digest: () => digestEntry(entry),
    sampleText: async (limit) => (await readHead(entry, limit)).toString('utf8'),
    read: async (ctx: ReadContext): Promise<ReadOutcome> => {
      // Only a plain file can be compared with an earlier import's bytes and read from the middle.
      const compares = (ctx.knownPrefixes?.length ?? 0) > 0 || ctx.checkpointEvery !== undefined;
      if (compares && entry.container === 'plain' && (await prefixReadable(entry.file))) return readPlainSbr(entry.file, entry.name, ctx, limits);
      const opened = await entry.open(
        (n) => {
          ctx.onBytes(n);
        },
        (n) => ctx.onExpanded?.(n),
      );
      try {
        await readSbr(opened.stream as AsyncIterable<Buffer>, { file: entry.name, sink: ctx.sink, handler: ctx.handler, limits });
      } finally {
        opened.stream.destroy();
      }
      return { digest: opened.digest() };
    },
  };
}
