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
/**
 * One mail is held whole while it is parsed; a "mail" bigger than this is a damaged mbox (a lost
 * `From ` line) or not an mbox, and is refused before it can exhaust memory.
 */
export const MAX_MBOX_MAIL_BYTES = 1 << 30;
const LF = 0x0a;
const GT = 0x3e;

/** Whether a line (without its line break) is a quoted `>From ` line. */
function isQuotedFrom(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && line[i] === GT) i++;
  return i > 0 && line.subarray(i, i + FROM.length).equals(FROM);
}

export async function* splitMbox(chunks: AsyncIterable<Buffer>, file: string, maxMailBytes = MAX_MBOX_MAIL_BYTES): AsyncGenerator<SplitMail> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let current: Buffer[] | undefined;
  let currentBytes = 0;
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
      currentBytes = 0;
      start = lineNo;
      return done;
    }
    if (current === undefined) {
      if (line.toString('latin1').trim() === '') return undefined;
      throw new MalformedBackupError(file, lineNo, 1, 'not an mbox file: text before the first "From " line');
    }
    current.push(isQuotedFrom(line) ? line.subarray(1) : line);
    currentBytes += line.length;
    if (currentBytes > maxMailBytes) {
      throw new MalformedBackupError(file, start, 1, `the mail starting here is over ${maxMailBytes} bytes: a damaged mbox (a lost "From " line?) or not one`);
    }
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
