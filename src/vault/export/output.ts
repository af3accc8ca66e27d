/**
 * Files an export writes: created under a temporary name, fsynced and renamed when complete, so a
 * final name never holds a partial file. Writes wait for the disk when it falls behind, which keeps
 * an export's memory bounded whatever its size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ExportError } from './sbr-export.js';
import { fsyncPath } from '../fsync.js';

export function prepareOutDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new ExportError(`cannot write to ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; choose another folder with --out`);
  }
}

export class AtomicFile {
  readonly temp: string;
  private readonly out: fs.WriteStream;
  private failure: Error | undefined;
  bytes = 0;

  constructor(readonly path: string) {
    this.temp = `${path}.partial-${process.pid}`;
    this.out = fs.createWriteStream(this.temp, { highWaterMark: 1 << 20 });
    this.out.on('error', (e) => {
      this.failure = e;
    });
  }

  /** Writes; the returned promise (when there is one) resolves once the disk caught up. */
  write(chunk: string | Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.bytes += b.length;
    if (this.out.write(b)) return undefined;
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => {
        reject(e);
      };
      this.out.once('error', onError);
      this.out.once('drain', () => {
        this.out.off('error', onError);
        resolve();
      });
    });
  }

  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.out.end((err?: Error | null) => {
        if (err) reject(err);
        else resolve();
      });
    });
    if (this.failure) throw this.failure;
    fsyncPath(this.temp);
    fs.renameSync(this.temp, this.path);
  }

  abort(): void {
    this.out.destroy();
    fs.rmSync(this.temp, { force: true });
  }
}

/**
 * Gathers small strings (CSV rows, NDJSON lines) into ~256 KB writes: one Buffer and one stream
 * write per row would cost more than making the row.
 */
export class BatchedWriter {
  private pending: string[] = [];
  private size = 0;

  constructor(
    private readonly out: AtomicFile,
    private readonly limit = 256 * 1024,
  ) {}

  /** Resolves at once unless a batch went to disk and the disk is behind. */
  add(text: string): Promise<void> | undefined {
    this.pending.push(text);
    this.size += text.length;
    return this.size >= this.limit ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.pending.length === 0) return undefined;
    const text = this.pending.join('');
    this.pending = [];
    this.size = 0;
    return this.out.write(text);
  }
}

/** Runs `body` on a new AtomicFile, committing it on success and removing it on failure. */
export async function writeAtomically(file: string, body: (f: AtomicFile) => Promise<void>): Promise<number> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const f = new AtomicFile(file);
  try {
    await body(f);
    await f.commit();
    return f.bytes;
  } catch (e) {
    f.abort();
    throw e;
  }
}

/** Copies a stream (a blob) to `file` atomically; returns the bytes written. */
export async function copyAtomically(source: AsyncIterable<Buffer>, file: string): Promise<number> {
  return writeAtomically(file, async (f) => {
    for await (const chunk of source) await f.write(chunk);
  });
}
