/** Reads Titanium Backup bytes into plain records and warnings, for the tests. */
import path from 'node:path';
import { Readable } from 'node:stream';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../../../src/formats/limits.js';
import type { ArchiveRecord, BackupHeader, ReadWarning } from '../../../src/formats/records.js';
import { readTitanium } from '../../../src/formats/titanium/reader.js';

export const TB_FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/titanium');
export const TB_FIXTURE = path.join(TB_FIXTURES, 'com.keramidas.virtual.XML_MESSAGES-20140105-120000.xml');

export interface Read {
  header: BackupHeader | undefined;
  records: ArchiveRecord[];
  warnings: ReadWarning[];
}

/** Reads `bytes`, handed to the reader in pieces of `chunk` bytes. */
export async function readBytes(bytes: Buffer | string, chunk = 64 * 1024, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<Read> {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const out: Read = { header: undefined, records: [], warnings: [] };
  function* pieces(): Generator<Buffer> {
    for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
  }
  await readTitanium(
    Readable.from(pieces()) as AsyncIterable<Buffer>,
    'messages.xml',
    {
      sink: hashOnlySink(),
      salvage: false,
      onBytes: () => undefined,
      handler: {
        header: (h) => (out.header = h),
        record: (r) => out.records.push(r),
        warning: (w) => out.warnings.push(w),
      },
    },
    limits,
  );
  return out;
}
