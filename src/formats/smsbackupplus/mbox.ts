/**
 * Splits an mbox file (Google Takeout's export of a label) into its mails while streaming: a
 * line starting `From ` begins the next mail, `>From ` lines (any number of `>`) lose one `>`
 * (mboxrd quoting, which Takeout uses), and the blank line that separates mails is dropped. Only
 * one mail is held in memory at a time.
 */
import { MalformedBackupError } from '../errors.js';

export interface SplitMail {
  bytes: Buffer;
  /** 1-based line of the mail's `From ` line. */
  line: number;
}

const FROM = Buffer.from('From ');
const LF = 0x0a;
const GT = 0x3e;

/** Whether a line (without its line break) is a quoted `>From ` line. */
function isQuotedFrom(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && line[i] === GT) i++;
  return i > 0 && line.subarray(i, i + FROM.length).equals(FROM);
}

export async function* splitMbox(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<SplitMail> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let current: Buffer[] | undefined;
  let start = 0;

  const finish = (): SplitMail | undefined => {
    if (current === undefined) return undefined;
    let bytes = Buffer.concat(current);
    // The line break before the next `From ` line separates mails; it is not the mail's.
    if (bytes.length > 0 && bytes[bytes.length - 1] === LF) bytes = bytes.subarray(0, bytes.length - (bytes[bytes.length - 2] === 0x0d ? 2 : 1));
    return { bytes, line: start };
  };

  const onLine = (line: Buffer): SplitMail | undefined => {
    lineNo++;
    if (line.subarray(0, FROM.length).equals(FROM)) {
      const done = finish();
      current = [];
      start = lineNo;
      return done;
    }
    if (current === undefined) {
      if (line.toString('latin1').trim() === '') return undefined;
      throw new MalformedBackupError(file, lineNo, 1, 'not an mbox file: text before the first "From " line');
    }
    current.push(isQuotedFrom(line) ? line.subarray(1) : line);
    return undefined;
  };

  for await (const chunk of chunks) {
    const data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    let from = 0;
    for (let nl = data.indexOf(LF, from); nl !== -1; nl = data.indexOf(LF, from)) {
      const done = onLine(data.subarray(from, nl + 1));
      from = nl + 1;
      if (done !== undefined) yield done;
    }
    // Copy the partial line so the chunk it came from can be released.
    carry = Buffer.from(data.subarray(from));
  }
  if (carry.length > 0) {
    const done = onLine(carry);
    if (done !== undefined) yield done;
  }
  const last = finish();
  if (last !== undefined) yield last;
}
