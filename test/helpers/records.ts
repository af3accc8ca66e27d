import fs from 'node:fs';
import { readSbr } from '../../src/formats/sbr/reader.js';
import { hashOnlySink } from '../../src/formats/hash-sink.js';
import type { ArchiveRecord } from '../../src/formats/records.js';

/** Reads a backup file into plain records, media replaced by the SHA-256 of its bytes. */
export async function readRecords(file: string, options: { salvage?: boolean } = {}): Promise<ArchiveRecord[]> {
  const records: ArchiveRecord[] = [];
  const sink = hashOnlySink();
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

/** A record without its position, as a comparable string. */
export function canonical(r: ArchiveRecord): string {
  const { position: _position, ...rest } = r;
  return JSON.stringify(rest);
}

export function canonicalSet(records: ArchiveRecord[]): string[] {
  return [...new Set(records.map(canonical))].sort();
}
