/**
 * Splits a byte stream into lines (LF or CRLF), for NDJSON: one line in memory at a time, each
 * decoded as UTF-8 with its 1-based line number for error messages.
 */

export interface Line {
  text: string;
  /** 1-based. */
  line: number;
}

/** Lines longer than this are refused: no message is near it, and a string this long breaks V8. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  constructor(readonly line: number) {
    super(`line ${line} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB`);
  }
}

/** The stream without a leading UTF-8 byte-order mark, however the chunks split it. */
export async function* stripBom(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let started = false;
  for await (const chunk of source) {
    if (started) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < 3 && head.equals(BOM.subarray(0, head.length))) continue;
    started = true;
    const rest = head.subarray(0, 3).equals(BOM) ? head.subarray(3) : head;
    if (rest.length > 0) yield rest;
  }
  if (!started && head.length > 0 && !head.equals(BOM.subarray(0, head.length))) yield head;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function* readLines(input: AsyncIterable<Buffer>): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  for await (const chunk of stripBom(input)) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      line++;
      let text: string;
      if (pendingBytes === 0) {
        text = chunk.toString('utf8', start, nl > start && chunk[nl - 1] === 0x0d ? nl - 1 : nl);
      } else {
        pending.push(chunk.subarray(start, nl));
        const all = Buffer.concat(pending);
        text = all.toString('utf8', 0, all.length > 0 && all[all.length - 1] === 0x0d ? all.length - 1 : all.length);
        pending = [];
        pendingBytes = 0;
      }
      yield { text, line };
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw new LineTooLongError(line + 1);
    }
  }
  if (pendingBytes > 0) {
    const all = Buffer.concat(pending);
    yield { text: all.toString('utf8', 0, all[all.length - 1] === 0x0d ? all.length - 1 : all.length), line: line + 1 };
  }
}
