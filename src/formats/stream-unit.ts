/**
 * A backup that is one stream of bytes (a JSON, NDJSON or vCard file, plain or gzip) as a
 * BackupUnit; the format supplies only how to read the stream.
 */
import type { BackupUnit, ReadContext, RecordFields } from './backup-unit.js';
import { digestEntry, openInput, readHead, type InputEntry } from './container.js';
import type { FormatId } from './formats.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from './limits.js';
import type { BackupContent } from './records.js';
import { countNoun } from './plural.js';

export type StreamReader = (source: AsyncIterable<Buffer>, name: string, ctx: ReadContext) => Promise<{ skipped: number; firstSkipped?: string }>;

export async function streamUnits(
  file: string,
  format: FormatId,
  content: BackupContent,
  read: StreamReader,
  fields?: RecordFields,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<BackupUnit[]> {
  const entries = await openInput(file, limits);
  return entries.map((entry) => streamUnit(entry, format, content, read, fields));
}

/** One entry (a file, or an entry of a ZIP) as a BackupUnit read by `read`. */
export function streamUnit(entry: InputEntry, format: FormatId, content: BackupContent, read: StreamReader, fields?: RecordFields): BackupUnit {
  return {
    format,
    content,
    name: entry.name,
    file: entry.file,
    sizeOnDisk: entry.sizeOnDisk,
    digestSize: entry.digestSize,
    ...(fields ? { fields } : {}),
    digest: () => digestEntry(entry),
    sampleText: async (limit) => (await readHead(entry, limit)).toString('utf8'),
    read: async (ctx) => {
      const opened = await entry.open(
        (n) => {
          ctx.onBytes(n);
        },
        (n) => ctx.onExpanded?.(n),
      );
      try {
        const stats = await read(opened.stream as AsyncIterable<Buffer>, entry.name, ctx);
        return {
          digest: opened.digest(),
          ...(stats.skipped > 0 ? { skipped: `skipped ${countNoun(stats.skipped, 'damaged record')}, the first: ${stats.firstSkipped ?? ''}` } : {}),
        };
      } finally {
        opened.stream.destroy();
      }
    },
  };
}
