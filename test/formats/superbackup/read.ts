/** Reads Super Backup & Restore bytes into plain records and warnings, for the tests. */
import path from 'node:path';
import { Readable } from 'node:stream';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import type { ArchiveRecord, BackupHeader, ReadWarning } from '../../../src/formats/records.js';
import { readSuperBackupWith } from '../../../src/formats/superbackup/reader.js';
import type { ScannerOptions } from '../../../src/formats/superbackup/scanner.js';

export const SB_FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/superbackup');

export interface Read {
  header: BackupHeader | undefined;
  records: ArchiveRecord[];
  /** The attribute text the reader gave beside each record (undefined where it gave none). */
  attrTexts: (string | undefined)[];
  warnings: ReadWarning[];
}

/** Reads `bytes`, handed to the reader in pieces of `chunk` bytes. */
export async function readBytes(bytes: Buffer, chunk = 64 * 1024, options: ScannerOptions = {}): Promise<Read> {
  const out: Read = { header: undefined, records: [], attrTexts: [], warnings: [] };
  function* pieces(): Generator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  await readSuperBackupWith(Readable.from(pieces()) as AsyncIterable<Buffer>, 'test.xml', {
    sink: hashOnlySink(),
    salvage: false,
    onBytes: () => undefined,
    handler: {
      header: (h) => (out.header = h),
      record: (r, attrText) => {
        out.records.push(r);
        out.attrTexts.push(attrText);
      },
      warning: (w) => out.warnings.push(w),
    },
  }, options);
  return out;
}

export function attrsOf(r: ArchiveRecord | undefined): Record<string, string> {
  return Object.fromEntries(r?.attrs ?? []);
}
