/**
 * Reading an SBR file and writing its records back, in memory: shared by the writer's tests and
 * the conformance suite.
 */
import {
  attr,
  type ArchiveRecord,
  type BackupHeader,
  type MediaSink,
  type MediaWriter,
  type ReadWarning,
} from '../../../src/formats/records.js';
import { readSbr } from '../../../src/formats/sbr/reader.js';
import { SbrXmlWriter, type MediaSource, type SbrFileHeader, type SbrWriterOptions } from '../../../src/formats/sbr/writer.js';
import { sha256 } from './helpers.js';

/** A blob store in memory: the reader stores media here and the writer reads them back. */
export class MemoryMedia implements MediaSink, MediaSource {
  readonly blobs = new Map<string, Buffer>();
  /** Odd-sized chunks, so that base64 groups straddle them. */
  constructor(private readonly chunkSize = 7) {}

  begin(): MediaWriter {
    const chunks: Buffer[] = [];
    return {
      write: (bytes) => {
        chunks.push(Buffer.from(bytes));
      },
      finish: () => this.put(Buffer.concat(chunks)),
      abort: () => undefined,
    };
  }

  put(bytes: Buffer): { sha256: string; size: number } {
    const sha = sha256(bytes);
    this.blobs.set(sha, bytes);
    return { sha256: sha, size: bytes.length };
  }

  // Like a file stream: a missing blob fails on the first read, not on open.
  async *open(sha: string): AsyncGenerator<Buffer> {
    await Promise.resolve();
    const bytes = this.blobs.get(sha);
    if (bytes === undefined) throw new Error(`ENOENT: no blob ${sha}`);
    for (let at = 0; at < bytes.length; at += this.chunkSize) yield bytes.subarray(at, at + this.chunkSize);
  }
}

export interface Read {
  header: BackupHeader | undefined;
  records: ArchiveRecord[];
  warnings: ReadWarning[];
  error: unknown;
}

export async function* once(data: Buffer): AsyncGenerator<Buffer> {
  await Promise.resolve();
  yield data;
}

export async function read(data: Buffer, media: MediaSink, file = 'test.xml'): Promise<Read> {
  const result: Read = { header: undefined, records: [], warnings: [], error: undefined };
  try {
    await readSbr(once(data), {
      file,
      sink: media,
      handler: {
        header: (h) => (result.header = h),
        record: (r) => result.records.push(r),
        warning: (w) => result.warnings.push(w),
      },
    });
  } catch (error) {
    result.error = error;
  }
  return result;
}

export async function write(
  records: readonly ArchiveRecord[],
  header: SbrFileHeader,
  media: MediaSource,
  options?: SbrWriterOptions,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const writer = new SbrXmlWriter((chunk) => {
    chunks.push(chunk);
  }, media, options);
  await writer.begin(header);
  for (const record of records) await writer.write(record);
  await writer.end();
  return Buffer.concat(chunks);
}

const STANDARD_ROOT = new Set(['count', 'backup_set', 'backup_date', 'type']);

/** The header that writes a file back with the root attributes it was read with. */
export function headerOf(read: Read): SbrFileHeader {
  const rootAttrs = read.header?.rootAttrs ?? [];
  return {
    root: read.header?.content === 'calls' ? 'calls' : 'smses',
    count: read.records.length,
    backupSet: attr(rootAttrs, 'backup_set') ?? '00000000-0000-0000-0000-000000000000',
    backupDate: Number(attr(rootAttrs, 'backup_date') ?? '0'),
    type: attr(rootAttrs, 'type') ?? 'full',
    extraAttrs: rootAttrs.filter(([name]) => !STANDARD_ROOT.has(name)),
  };
}

/** Records without their source positions, which a rewritten file changes by nature. */
export function content(records: readonly ArchiveRecord[]): unknown[] {
  return records.map((r) =>
    r.kind === 'mms'
      ? { kind: r.kind, attrs: r.attrs, parts: r.parts.map((p) => ({ ...p })), addrs: r.addrs }
      : { kind: r.kind, attrs: r.attrs },
  );
}
