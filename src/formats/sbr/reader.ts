import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../limits.js';
import type { MediaSink, RecordHandler } from '../records.js';
import { RecordBuilder } from './record-builder.js';
import { XmlScanner } from './scanner.js';

export interface SbrReadOptions {
  /** Name of the file, for messages. */
  file: string;
  sink: MediaSink;
  handler: RecordHandler;
  /** The memory limits (tag, attributes, record); the defaults when absent. */
  limits?: Pick<InputLimits, 'maxTagChars' | 'maxAttributes' | 'maxRecordChars'>;
}

/**
 * Reads an SMS Backup & Restore XML file pushed chunk by chunk, in constant memory whatever the
 * size of the file or of one attachment. Records are handed over as soon as they are complete,
 * so those before an error have been delivered when it is thrown.
 */
export class SbrReader {
  private readonly builder: RecordBuilder;
  private readonly scanner: XmlScanner;
  private failed = false;

  constructor(opts: SbrReadOptions) {
    const limits = opts.limits ?? DEFAULT_INPUT_LIMITS;
    this.builder = new RecordBuilder(opts.file, opts.sink, opts.handler, limits.maxRecordChars);
    this.scanner = new XmlScanner(opts.file, this.builder, 'data', limits);
  }

  /** See XmlScanner.push for `onBoundary`. */
  push(chunk: Buffer, onBoundary?: (end: number) => void): void {
    this.guard(() => {
      this.scanner.push(chunk, onBoundary);
    });
  }

  /** Line and column where the bytes pushed so far end. */
  position(): { line: number; column: number } {
    return this.scanner.position();
  }

  /** See XmlScanner.skipLines. */
  skipLines(lines: number, column: number): void {
    this.scanner.skipLines(lines, column);
  }

  /** The input is complete; throws when the file was truncated. */
  end(): void {
    this.guard(() => {
      this.scanner.end();
    });
  }

  /** Aborts any open MediaWriter after an error. */
  abort(): void {
    this.builder.abort();
  }

  private guard(step: () => void): void {
    if (this.failed) throw new Error('SbrReader: input pushed after an error');
    try {
      step();
    } catch (error) {
      this.failed = true;
      this.abort();
      throw error;
    }
  }
}

export async function readSbr(source: AsyncIterable<Buffer>, opts: SbrReadOptions): Promise<void> {
  const reader = new SbrReader(opts);
  try {
    for await (const chunk of source) reader.push(chunk);
    reader.end();
  } catch (error) {
    reader.abort();
    throw error;
  }
}
