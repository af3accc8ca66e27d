import { type MalformedBackupError, NotABackupError } from '../errors.js';
import { isNameChar, isSpace } from './names.js';
import { type Position, State } from './scanner-types.js';
import { isAscii } from 'node:buffer';
import { GT, SLASH, TagReader, indexOrLength } from './tag-reader.js';
import { Utf8Decoder } from './utf8-decoder.js';

/** An unfinished token kept for the next chunk (a name, `</name>`...) may be this long. */
const MAX_TOKEN_LENGTH = 64 * 1024;
const MAX_COMMENT_KEPT = 4096;
/**
 * Bytes decoded at once. A piece with one character beyond ASCII becomes two-byte text, and
 * MMS media in the same piece then cost twice their size: 16 KiB pieces leave most of the media
 * in pieces of their own (one-byte text); an MMS import ran 10% faster than with 60 KiB.
 */
const MAX_PIECE = 16 * 1024;
const CREATOR_PREFIX = 'File Created By';

const LT = 60;
const BANG = 33;
const QUESTION = 63;

/** How each kind of markup other than tags ends, and what to call it. */
const BODIES: Partial<Record<State, { end: string; name: string }>> = {
  [State.Comment]: { end: '-->', name: 'a comment' },
  [State.Pi]: { end: '?>', name: 'a processing instruction' },
  [State.Cdata]: { end: ']]>', name: 'a CDATA section' },
};
const BANG_MARKUP = ['<!--', '<![CDATA[', '<!DOCTYPE'];

/**
 * A streaming tokenizer for the XML subset backups use. Each byte chunk is decoded to text once
 * (a multi-byte character cut by a chunk boundary waits for the next chunk), then scanned with
 * indexOf, charCodeAt and regular expressions, which V8 runs far faster than it converts bytes
 * to many small strings. Only a token that a chunk boundary cuts (a name, a reference, `-->`) is
 * carried over to the next chunk; values continue across chunks without being copied back.
 */
export class XmlScanner extends TagReader {
  private readonly utf8 = new Utf8Decoder();
  private final = false;
  /** Text of a token cut by the end of the last chunk. */
  private pending = '';
  private keep = 0;
  private strayWarned = false;
  // The comment, processing instruction or CDATA section being skipped.
  private bodyAt: Position = { line: 0, column: 0 };
  private bodyKept = '';

  /**
   * Pushes the next bytes. `onBoundary`, when given, is called after each piece that leaves the
   * scanner between two records of the root (see `betweenRecords`), with the index in `chunk`
   * where that piece ends: every record before it has been handed over, nothing after it begun.
   */
  push(chunk: Buffer, onBoundary?: (end: number) => void): void {
    // Text of a bigger piece would be a "large object" to V8: allocated and freed by mmap, slowly.
    for (let at = 0; at < chunk.length; ) {
      const ascii = this.streamedAscii(chunk, at);
      if (ascii > at) {
        this.invalidUtf8 = false;
        this.feed(chunk.toString('latin1', at, ascii));
        at = ascii;
        continue;
      }
      let end = Math.min(at + MAX_PIECE, chunk.length);
      if (onBoundary !== undefined && end < chunk.length) {
        // Backups put one record a line: a piece that ends after a newline mostly ends between records.
        const nl = chunk.subarray(at, end).lastIndexOf(0x0a);
        if (nl > 0) end = at + nl + 1;
      }
      const text = this.utf8.decode(chunk.subarray(at, end), this.pending);
      this.invalidUtf8 = this.utf8.invalid;
      this.feed(text);
      at = end;
      if (onBoundary !== undefined && this.betweenRecords()) onBoundary(at);
    }
  }

  /**
   * Whether everything pushed so far is read to its end and the scanner waits between two
   * children of the root, in its text (no token, character or markup cut): the state right
   * after the root's start tag, so reading can go on from here with bytes from elsewhere.
   */
  betweenRecords(): boolean {
    return this.state === State.Text && this.stack.length === 1 && this.pending === '' && !this.utf8.holding;
  }

  /** Line and column where the bytes pushed so far end. */
  position(): Position {
    return { line: this.tracker.line, column: this.tracker.column };
  }

  /**
   * Goes on as if `lines` newlines had been read since the current position, the last followed
   * by `column - 1` characters: a reader resuming in the middle of a file keeps its positions.
   */
  skipLines(lines: number, column: number): void {
    this.tracker.skipLines(lines, column);
  }

  /**
   * Inside a streamed value (media's base64), where its ASCII bytes starting at `at` end (at the
   * closing quote at the latest); `at` when they are not there. Decoded apart from what follows,
   * they become one-byte text: a piece with any other character in it becomes two-byte text,
   * and MMS media then cost twice their size in strings (measured: 380 MB of 1 GB allocated in
   * an MMS import).
   */
  private streamedAscii(chunk: Buffer, at: number): number {
    if (this.state !== State.Stream || this.pending !== '' || this.utf8.holding) return at;
    const q = chunk.indexOf(this.quote === '"' ? 0x22 : 0x27, at);
    const end = Math.min(q === -1 ? chunk.length : q, at + MAX_PIECE);
    return end > at && isAscii(chunk.subarray(at, end)) ? end : at;
  }

  /** The input is complete: anything left open is a truncated file. */
  end(): void {
    const text = this.utf8.end(this.pending);
    this.invalidUtf8 = this.utf8.invalid;
    this.final = true;
    this.feed(text);
    if (this.state === State.Start) throw new NotABackupError(this.file, 'file is empty');
    if (this.state !== State.Text || this.stack.length > 0 || !this.rootSeen) throw this.truncated(-1);
  }

  /** Scans `s`, which starts with the text kept from the last chunk. */
  private feed(s: string): void {
    this.pending = '';
    this.tracker.setText(s);
    this.nextAmp = -1;
    this.nextLt = -1;
    const keep = this.run(s);
    if (this.state === State.Value || this.state === State.Stream) this.rememberValueStart();
    this.tracker.at(keep);
    if (keep < s.length) {
      if (s.length - keep > MAX_TOKEN_LENGTH) this.fail(keep, 'markup too long');
      this.pending = s.slice(keep);
    }
  }

  /** Scans `s`; returns the index from which the text must wait for the next chunk. */
  private run(s: string): number {
    const len = s.length;
    let i = 0;
    while (i < len) {
      switch (this.state) {
        case State.Start:
          i = this.start(s, i);
          break;
        case State.Text:
          i = this.text(s, i);
          break;
        case State.Markup:
          i = this.markup(s, i);
          break;
        case State.InTag:
          i = this.inTag(s, i);
          break;
        case State.Value:
          i = this.valueRest(s, i);
          break;
        case State.Stream:
          i = this.stream(s, i);
          break;
        case State.Comment:
        case State.Pi:
        case State.Cdata:
          i = this.body(s, i);
          break;
      }
      if (i < 0) return this.keep;
    }
    return len;
  }

  protected atEnd(): boolean {
    return this.final;
  }

  protected more(tokenStart: number): number {
    if (this.final) throw this.truncated(tokenStart);
    this.keep = tokenStart;
    return -1;
  }

  private start(s: string, i: number): number {
    if (i === 0 && s.charCodeAt(0) === 0xfeff) i = 1;
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i === s.length) return i;
    if (s.charCodeAt(i) !== LT) {
      // The first bytes tell what the file is, whatever the chunks they arrive in.
      if (s.length - i < 4 && !this.final) return this.more(i);
      throw new NotABackupError(this.file, describeNonXml(s.slice(i, i + 4)));
    }
    this.state = State.Markup;
    return i;
  }

  private text(s: string, i: number): number {
    if (this.nextLt < i) this.nextLt = indexOrLength(s, '<', i);
    const end = this.nextLt;
    if (!this.strayWarned) {
      for (let k = i; k < end; k++) {
        if (!isSpace(s.charCodeAt(k))) {
          this.warn('stray-text', k, 'text outside of attributes ignored');
          this.strayWarned = true;
          break;
        }
      }
    }
    if (end === s.length) return end;
    this.strayWarned = false;
    this.state = State.Markup;
    return end;
  }

  private markup(s: string, i: number): number {
    if (i + 1 >= s.length) return this.more(i);
    const c = s.charCodeAt(i + 1);
    if (c === SLASH) return this.endTag(s, i);
    if (c === QUESTION) return this.beginBody(State.Pi, i, 2);
    if (c !== BANG) return this.startTag(s, i);
    if (s.startsWith('<!--', i)) return this.beginBody(State.Comment, i, 4);
    if (s.startsWith('<![CDATA[', i)) {
      this.warn('stray-text', i, 'CDATA section ignored');
      return this.beginBody(State.Cdata, i, 9);
    }
    if (s.startsWith('<!DOCTYPE', i)) return this.doctype(s, i);
    const head = s.slice(i, i + 9);
    if (BANG_MARKUP.some((m) => m.length > head.length && m.startsWith(head))) return this.more(i);
    return this.fail(i, `unexpected markup "${head}"`);
  }

  private doctype(s: string, i: number): number {
    if (!this.rootSeen) {
      // An HTML page is no backup at all; any other DTD is refused below.
      let k = i + 9;
      while (isSpace(s.charCodeAt(k))) k++;
      let e = k;
      while (isNameChar(s.charCodeAt(e))) e++;
      if (e >= s.length && !this.final) return this.more(i);
      if (s.slice(k, e).toLowerCase() === 'html') throw new NotABackupError(this.file, 'it is an HTML document');
    }
    return this.fail(i, 'DOCTYPE is not allowed (no DTDs or entity expansion in backups)');
  }

  private beginBody(state: State, i: number, skip: number): number {
    this.bodyAt = this.positionOf(i);
    this.bodyKept = '';
    this.state = state;
    return i + skip;
  }

  /** Skips a comment, processing instruction or CDATA section up to its end. */
  private body(s: string, i: number): number {
    const terminator = BODIES[this.state]?.end ?? '>';
    const e = s.indexOf(terminator, i);
    if (e === -1) {
      // The terminator may start in this chunk's last characters.
      const keep = Math.max(i, s.length - terminator.length + 1);
      this.keepBody(s, i, keep);
      return this.more(keep);
    }
    this.keepBody(s, i, e);
    if (this.state === State.Comment) {
      const text = this.bodyKept.trim();
      if (text.startsWith(CREATOR_PREFIX)) this.handler.creatorComment(text);
    }
    this.state = State.Text;
    return e + terminator.length;
  }

  /** Keeps the start of a comment, which may be the app's "File Created By" line. */
  private keepBody(s: string, from: number, to: number): void {
    if (this.state !== State.Comment || this.bodyKept.length >= MAX_COMMENT_KEPT) return;
    this.bodyKept += s.slice(from, Math.min(to, from + MAX_COMMENT_KEPT - this.bodyKept.length));
  }

  private endTag(s: string, i: number): number {
    const len = s.length;
    let e = i + 2;
    while (e < len && isNameChar(s.charCodeAt(e))) e++;
    let k = e;
    while (k < len && isSpace(s.charCodeAt(k))) k++;
    if (k >= len) return this.more(i);
    if (s.charCodeAt(k) !== GT) return this.fail(k, 'expected ">" to end the end tag');
    const top = this.stack.at(-1);
    if (top?.name.length !== e - i - 2 || !s.startsWith(top.name, i + 2)) {
      const name = s.slice(i + 2, e);
      if (top === undefined) return this.fail(i, `end tag </${name}> without a start tag`);
      return this.fail(i, `mismatched end tag </${name}>: <${top.name}> opened at ${top.line}:${top.column} is still open`);
    }
    this.closeElement();
    this.state = State.Text;
    return k + 1;
  }

  /** The error for a file that ends inside something; it points where that something starts. */
  private truncated(tokenStart: number): MalformedBackupError {
    const top = this.stack.at(-1);
    const body = BODIES[this.state];
    let at: Position;
    let what: string;
    if (this.state === State.Value || this.state === State.Stream) {
      at = this.valueAt();
      what = `the value of attribute "${this.attrName}" of <${top?.name ?? ''}>`;
    } else if (this.state === State.InTag && top !== undefined) {
      at = top;
      what = `the start tag <${top.name}>`;
    } else if (this.state === State.Markup) {
      at = this.positionOf(Math.max(0, tokenStart));
      what = 'a tag';
    } else if (body !== undefined) {
      at = this.bodyAt;
      what = body.name;
    } else if (top !== undefined) {
      at = top;
      what = `element <${top.name}>`;
    } else {
      const end = { line: this.tracker.line, column: this.tracker.column };
      return this.errorAt(end, 'truncated file: it ends before its root element');
    }
    const open = this.stack.slice(-4).map((e) => `<${e.name}> (${e.line}:${e.column})`);
    if (this.stack.length > 4) open.unshift('...');
    return this.errorAt(at, `truncated file: it ends inside ${what}, which starts here; open elements: ${open.join(' > ')}`);
  }
}

function describeNonXml(head: string): string {
  if (head.startsWith('PK\u0003\u0004')) return 'it is a ZIP archive (unzip it first)';
  if (head.startsWith('{') || head.startsWith('[')) return 'file does not start with XML (it looks like JSON)';
  return 'file does not start with XML';
}
