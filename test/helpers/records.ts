import fs from 'node:fs';
import { readSbr } from '../../src/formats/sbr/reader.js';
import { hashOnlySink } from '../../src/formats/hash-sink.js';
import type { ArchiveRecord, MediaSink } from '../../src/formats/records.js';
import { createHash } from 'node:crypto';

/** Reads a backup file into plain records, media replaced by the SHA-256 of its bytes. */
export async function readRecords(file: string, options: { salvage?: boolean; media?: Map<string, Buffer> } = {}): Promise<ArchiveRecord[]> {
  const records: ArchiveRecord[] = [];
  const sink = options.media === undefined ? hashOnlySink() : keepingSink(options.media);
  try {
    await readSbr(fs.createReadStream(file) as AsyncIterable<Buffer>, {
      file,
      sink,
      handler: { header: () => undefined, record: (r) => records.push(r), warning: () => undefined },
    });
  } catch (e) {
    if (options.salvage !== true) throw e;
  }
  return records;
}

/** A MediaSink that hashes and keeps every media's bytes in `into`, by SHA-256. */
export function keepingSink(into: Map<string, Buffer>): MediaSink {
  return {
    begin: () => {
      const chunks: Buffer[] = [];
      return {
        write: (b) => {
          chunks.push(Buffer.from(b));
        },
        finish: () => {
          const bytes = Buffer.concat(chunks);
          const sha256 = createHash('sha256').update(bytes).digest('hex');
          into.set(sha256, bytes);
          return { sha256, size: bytes.length };
        },
        abort: () => undefined,
      };
    },
  };
}

/** A record without its position, as a comparable string. */
export function canonical(r: ArchiveRecord): string {
  const { position: _position, ...rest } = r;
  return JSON.stringify(rest);
}

export function canonicalSet(records: ArchiveRecord[]): string[] {
  return [...new Set(records.map(canonical))].sort();
}
