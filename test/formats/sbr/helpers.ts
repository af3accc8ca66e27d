import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  ArchiveRecord,
  BackupHeader,
  MediaSink,
  MediaWriter,
  ReadWarning,
  StoredMedia,
} from '../../../src/formats/records.js';
import { SbrReader } from '../../../src/formats/sbr/reader.js';

/** The project's own sample backups (see test/fixtures/README.md). */
export const SBR_FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/sbr');
export const DEDUP_FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/dedup');

export function fixture(dir: string, name: string): Buffer {
  return readFileSync(path.join(dir, name));
}

/** Hashes what is written, and keeps track of writers left open or aborted. */
export class HashingSink implements MediaSink {
  finished: StoredMedia[] = [];
  aborted = 0;
  open = 0;

  begin(): MediaWriter {
    const hash = createHash('sha256');
    let size = 0;
    let done = false;
    this.open++;
    const close = (): void => {
      if (done) throw new Error('writer used after finish/abort');
      done = true;
      this.open--;
    };
    return {
      write: (bytes: Buffer): void => {
        if (done) throw new Error('write after finish/abort');
        hash.update(bytes);
        size += bytes.length;
      },
      finish: (): StoredMedia => {
        close();
        const media = { sha256: hash.digest('hex'), size };
        this.finished.push(media);
        return media;
      },
      abort: (): void => {
        close();
        this.aborted++;
      },
    };
  }
}

export interface ReadResult {
  header: BackupHeader | undefined;
  records: ArchiveRecord[];
  warnings: ReadWarning[];
  error: unknown;
  sink: HashingSink;
}

/** How a test feeds a file: whole, in chunks of n bytes, or in seeded random chunks. */
export type Chunking = 'whole' | number | { random: number; max: number };

/** Reads `data` pushed in chunks; an error is returned, not thrown, with what came before it. */
export function readBuffer(data: Buffer, chunking: Chunking = 'whole', file = 'test.xml'): ReadResult {
  const sink = new HashingSink();
  const result: ReadResult = { header: undefined, records: [], warnings: [], error: undefined, sink };
  const reader = new SbrReader({
    file,
    sink,
    handler: {
      header: (h) => (result.header = h),
      record: (r) => result.records.push(r),
      warning: (w) => result.warnings.push(w),
    },
  });
  try {
    for (const chunk of chunks(data, chunking)) reader.push(chunk);
    reader.end();
  } catch (error) {
    result.error = error;
  }
  return result;
}

export function* chunks(data: Buffer, chunking: Chunking): Generator<Buffer> {
  if (chunking === 'whole') {
    yield data;
    return;
  }
  const random = typeof chunking === 'number' ? null : seeded(chunking.random);
  for (let at = 0; at < data.length; ) {
    const size = random === null ? (chunking as number) : 1 + Math.floor(random() * (chunking as { max: number }).max);
    // A copy, so that the reader cannot rely on chunks sharing memory.
    yield Buffer.from(data.subarray(at, at + size));
    at += size;
  }
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function recordsOf<K extends ArchiveRecord['kind']>(
  result: ReadResult,
  kind: K,
): Extract<ArchiveRecord, { kind: K }>[] {
  return result.records.filter((r): r is Extract<ArchiveRecord, { kind: K }> => r.kind === kind);
}

/** Counts start tags `<name ` / `<name>` / `<name/>` with a regex, as an independent check. */
export function countTags(xml: string, name: string): number {
  return xml.match(new RegExp(`<${name}[\\s/>]`, 'g'))?.length ?? 0;
}
