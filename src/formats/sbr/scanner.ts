import { MalformedBackupError, NotABackupError } from '../errors.js';
import type { ReadWarning, WarningCode } from '../records.js';
import {
  EntityError,
  MAX_REFERENCE_LENGTH,
  decodeEntities,
  referenceCode,
  referenceEnd,
  undefinedEntity,
} from './entities.js';
import { LineTracker } from './line-tracker.js';
import { type NameInfo, NameTable, isNameChar, isNameStart, isSpace } from './names.js';
import { Utf8Decoder } from './utf8-decoder.js';

/** What the scanner reports, in document order. */
export interface ScanHandler {
  /** `<name` was read; the attributes follow. Line and column are those of the `<`. */
  startTag(name: string, line: number, column: number): void;
  /**
   * Asked for every attribute of a start tag. `true`: the value arrives as `valueChunk` calls
   * (entities already replaced) and a `valueEnd`, never as one string, whatever its size.
   */
  streamValue(name: string): boolean;
  valueChunk(text: string): void;
  valueEnd(): void;
  /** An attribute whose value is not streamed, with its references replaced. */
  attribute(name: string, value: string): void;
  /** The start tag ended with `>` or, when `selfClosing`, with `/>` (an `endTag` follows). */
  startTagEnd(selfClosing: boolean): void;
  endTag(name: string): void;
  /** A comment starting with "File Created By", trimmed. */
  creatorComment(text: string): void;
  warning(warning: ReadWarning): void;
}

/** Values that are not streamed may be this long (UTF-16 code units), which bounds memory. */
export const MAX_VALUE_LENGTH = 64 * 1024 * 1024;
/** An unfinished token kept for the next chunk (a name, `</name>`...) may be this long. */
const MAX_TOKEN_LENGTH = 64 * 1024;
const MAX_COMMENT_KEPT = 4096;
const CREATOR_PREFIX = 'File Created By';

const LT = 60;
const GT = 62;
const AMP = 38;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const DQUOTE = 34;
const SQUOTE = 39;

const enum State {
  Start,
  Text,
  /** At a `<`, not yet knowing what it opens. */
  Markup,
  /** Inside a start tag, between attributes. */
  InTag,
  /** Inside an attribute value that began in an earlier chunk. */
  Value,
  Stream,
  Comment,
  Pi,
  Cdata,
}

const BODY_END: Partial<Record<State, string>> = {
  [State.Comment]: '-->',
  [State.Pi]: '?>',
  [State.Cdata]: ']]>',
};
const BODY_NAME: Partial<Record<State, string>> = {
  [State.Comment]: 'a comment',
  [State.Pi]: 'a processing instruction',
  [State.Cdata]: 'a CDATA section',
};
const BANG_MARKUP = ['<!--', '<![CDATA[', '<!DOCTYPE'];

interface OpenElement {
  readonly name: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A streaming tokenizer for the XML subset backups use. Each byte chunk is decoded to text once
 * (a multi-byte character cut by a chunk boundary waits for the next chunk), then scanned with
 * indexOf and charCodeAt, which is what makes it fast: only the tokens that a boundary cuts are
 * carried over to the next chunk.
 */
export class XmlScanner {
  private readonly utf8 = new Utf8Decoder();
  private readonly tracker = new LineTracker();
  private readonly names = new NameTable();
  private readonly elementNames = new Map<string, string>();
  /** Attribute names of the last start tag of each element name, tried first on the next one. */
  private readonly predictions = new Map<string, NameInfo[]>();
  private readonly stack: OpenElement[] = [];
  private state = State.Start;
  private final = false;
  private pending = '';
  private keep = 0;
  private invalidUtf8 = false;
  private rootSeen = false;
  private rootClosed = false;
  private strayWarned = false;

  // The start tag being read.
  private tagSerial = 0;
  private predicted: NameInfo[] | undefined = undefined;
  private attrIndex = 0;
  private attrNames: NameInfo[] = [];
  private needSpace = false;

  // The attribute value being read.
  private attrName = '';
  private attrInfo: NameInfo = { name: '', shared: false, stamp: 0 };
  private quote = '"';
  /** Index of the value in the current text, or -1 once it began in an earlier chunk. */
  private valueStart = -1;
  private valueLine = 0;
  private valueColumn = 0;
  private pieces: string[] = [];
  private piecesLength = 0;
  private valueSpecial = false;
  private valueInvalid = false;
  private nextAmp = -1;
  private nextLt = -1;

  // The comment, processing instruction or CDATA section being skipped.
  private bodyLine = 0;
  private bodyColumn = 0;
  private bodyKept = '';

  constructor(
    private readonly file: string,
    private readonly handler: ScanHandler,
  ) {}

  push(chunk: Buffer): void {
    const text = this.utf8.decode(chunk);
    this.invalidUtf8 = this.utf8.invalid;
    this.feed(text);
  }

  /** The input is complete: anything left open is a truncated file. */
  end(): void {
    const text = this.utf8.end();
    this.invalidUtf8 = this.utf8.invalid;
    this.final = true;
    this.feed(text);
    this.checkComplete();
  }

  private feed(text: string): void {
    const s = this.pending === '' ? text : this.pending + text;
    this.pending = '';
    this.tracker.setText(s);
    this.nextAmp = -1;
    this.nextLt = -1;
    const keep = this.run(s);
    if ((this.state === State.Value || this.state === State.Stream) && this.valueStart >= 0) {
      this.rememberValueStart();
    }
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

  /** The token starting at `tokenStart` is cut by the chunk's end: wait for more text. */
  private more(tokenStart: number): number {
    if (this.final) throw this.truncated(tokenStart);
    this.keep = tokenStart;
    return -1;
  }

  private start(s: string, i: number): number {
    if (i === 0 && s.charCodeAt(0) === 0xfeff) i = 1;
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i === s.length) return i;
    if (s.charCodeAt(i) !== LT) throw new NotABackupError(this.file, describeNonXml(s.slice(i, i + 4)));
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
    this.tracker.at(i);
    this.bodyLine = this.tracker.line;
    this.bodyColumn = this.tracker.column;
    this.bodyKept = '';
    this.state = state;
    return i + skip;
  }

  private body(s: string, i: number): number {
    const terminator = BODY_END[this.state] ?? '>';
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

  private keepBody(s: string, from: number, to: number): void {
    if (this.state !== State.Comment || this.bodyKept.length >= MAX_COMMENT_KEPT) return;
    this.bodyKept += s.slice(from, Math.min(to, from + MAX_COMMENT_KEPT - this.bodyKept.length));
  }

  private startTag(s: string, i: number): number {
    const len = s.length;
    if (!isNameStart(s.charCodeAt(i + 1))) {
      if (!this.rootSeen) throw new NotABackupError(this.file, 'file does not start with XML');
      return this.fail(i + 1, 'invalid element name');
    }
    let j = i + 2;
    while (j < len && isNameChar(s.charCodeAt(j))) j++;
    if (j === len) return this.more(i);
    const after = s.charCodeAt(j);
    if (!isSpace(after) && after !== GT && after !== SLASH) {
      if (!this.rootSeen) throw new NotABackupError(this.file, 'file does not start with XML');
      return this.fail(j, `unexpected character "${s.charAt(j)}" in element name`);
    }
    if (this.rootClosed) return this.fail(i, 'element after the end of the root element');
    const name = this.elementName(s.slice(i + 1, j));
    this.tracker.at(i);
    const element: OpenElement = { name, line: this.tracker.line, column: this.tracker.column };
    this.stack.push(element);
    this.rootSeen = true;
    this.tagSerial++;
    this.predicted = this.predictions.get(name);
    this.attrIndex = 0;
    this.needSpace = false;
    this.state = State.InTag;
    this.handler.startTag(name, element.line, element.column);
    return j;
  }

  private elementName(name: string): string {
    const known = this.elementNames.get(name);
    if (known !== undefined) return known;
    if (this.elementNames.size < 1000) this.elementNames.set(name, name);
    return name;
  }

  /** Reads attributes up to the end of the start tag: the hot path of the whole reader. */
  private inTag(s: string, i: number): number {
    const len = s.length;
    for (;;) {
      let c = s.charCodeAt(i);
      if (isSpace(c)) {
        this.needSpace = false;
        do c = s.charCodeAt(++i);
        while (isSpace(c));
      }
      if (i >= len) return len;
      if (c === GT) {
        this.endOfStartTag(false);
        return i + 1;
      }
      if (c === SLASH) {
        if (i + 1 >= len) return this.more(i);
        if (s.charCodeAt(i + 1) !== GT) return this.fail(i, 'expected "/>"');
        this.endOfStartTag(true);
        return i + 2;
      }
      if (this.needSpace) return this.fail(i, 'expected whitespace between attributes');

      // Nearly always `name="`, with the name the last tag of this element had at this place.
      let info = this.predicted?.[this.attrIndex];
      let start: number;
      if (
        info !== undefined &&
        s.startsWith(info.name, i) &&
        s.charCodeAt(i + info.name.length) === 61 /* = */ &&
        isQuote(s.charCodeAt(i + info.name.length + 1))
      ) {
        start = i + info.name.length + 2;
      } else {
        start = this.attributeStart(s, i);
        if (start < 0) return this.more(i);
        info = this.attrInfo;
      }
      this.addAttributeName(info, i);
      const name = info.name;
      this.attrName = name;
      this.valueStart = start;
      this.quote = s.charCodeAt(start - 1) === DQUOTE ? '"' : "'";
      this.needSpace = true;
      if (this.handler.streamValue(name)) {
        this.state = State.Stream;
        return start;
      }
      const e = s.indexOf(this.quote, start);
      const end = e === -1 ? len : e;
      // The next `&` and `<` are searched once per chunk and reused while ahead.
      if (this.nextAmp < start) this.nextAmp = indexOrLength(s, '&', start);
      if (this.nextLt < start) this.nextLt = indexOrLength(s, '<', start);
      const special = this.nextAmp < end || this.nextLt < end;
      if (e === -1) {
        this.pieces = [s.slice(start)];
        this.piecesLength = len - start;
        this.valueSpecial = special;
        this.valueInvalid = this.invalidUtf8;
        this.state = State.Value;
        return len;
      }
      if (e - start > MAX_VALUE_LENGTH) this.valueTooLong();
      const raw = s.slice(start, e);
      this.handler.attribute(name, special || this.invalidUtf8 ? this.decodeValue(raw, this.invalidUtf8) : raw);
      i = e + 1;
    }
  }

  /**
   * Reads `name = "` at `i` in full generality; sets `attrInfo` and returns the index of the
   * value, or -1 when the chunk ends first.
   */
  private attributeStart(s: string, i: number): number {
    const len = s.length;
    if (!isNameStart(s.charCodeAt(i))) return this.fail(i, `unexpected character "${s.charAt(i)}" in a start tag`);
    let k = i + 1;
    while (isNameChar(s.charCodeAt(k))) k++;
    if (k >= len) return -1;
    const info = this.names.intern(s.slice(i, k));
    this.attrInfo = info;
    this.predicted = undefined;
    while (isSpace(s.charCodeAt(k))) k++;
    if (k >= len) return -1;
    if (s.charCodeAt(k) !== 61 /* = */) return this.fail(k, `expected "=" after attribute name "${info.name}"`);
    do k++;
    while (isSpace(s.charCodeAt(k)));
    if (k >= len) return -1;
    if (!isQuote(s.charCodeAt(k))) return this.fail(k, `value of attribute "${info.name}" is not in quotes`);
    return k + 1;
  }

  private addAttributeName(info: NameInfo, at: number): void {
    if (info.shared ? info.stamp === this.tagSerial : this.isUnsharedDuplicate(info.name)) {
      const element = this.stack.at(-1)?.name ?? '';
      this.fail(at, `duplicate attribute "${info.name}" on <${element}>`);
    }
    info.stamp = this.tagSerial;
    this.attrNames[this.attrIndex++] = info;
  }

  private isUnsharedDuplicate(name: string): boolean {
    for (let k = 0; k < this.attrIndex; k++) if (this.attrNames[k]?.name === name) return true;
    return false;
  }

  private endOfStartTag(selfClosing: boolean): void {
    const element = this.stack.at(-1)?.name ?? '';
    // `predicted` is dropped at the first name that differs, so this means "same names as last time".
    const same = this.predicted?.length === this.attrIndex;
    if (!same && (this.predictions.has(element) || this.predictions.size < 1000)) {
      this.predictions.set(element, this.attrNames.slice(0, this.attrIndex));
    }
    this.state = State.Text;
    this.handler.startTagEnd(selfClosing);
    if (selfClosing) this.closeElement();
  }

  private valueRest(s: string, i: number): number {
    const len = s.length;
    const e = s.indexOf(this.quote, i);
    const end = e === -1 ? len : e;
    if (this.nextAmp < i) this.nextAmp = indexOrLength(s, '&', i);
    if (this.nextLt < i) this.nextLt = indexOrLength(s, '<', i);
    this.valueSpecial ||= this.nextAmp < end || this.nextLt < end;
    this.valueInvalid ||= this.invalidUtf8;
    this.pieces.push(s.slice(i, end));
    this.piecesLength += end - i;
    if (this.piecesLength > MAX_VALUE_LENGTH) this.valueTooLong();
    if (e === -1) return len;
    const raw = this.pieces.join('');
    this.pieces = [];
    this.state = State.InTag;
    const special = this.valueSpecial || this.valueInvalid;
    this.handler.attribute(this.attrName, special ? this.decodeValue(raw, this.valueInvalid) : raw);
    return e + 1;
  }

  private decodeValue(raw: string, invalidUtf8: boolean): string {
    if (invalidUtf8 && raw.includes('\uFFFD')) {
      this.warnInValue('invalid-utf8', raw.indexOf('\uFFFD'), `invalid UTF-8 in attribute "${this.attrName}" replaced with U+FFFD`);
    }
    const lt = raw.indexOf('<');
    if (lt !== -1) this.failInValue(lt, '"<" is not allowed in an attribute value');
    if (!raw.includes('&')) return raw;
    try {
      return decodeEntities(raw, (code, offset, message) => {
        this.warnInValue(code, offset, message);
      });
    } catch (error) {
      if (error instanceof EntityError) this.failInValue(error.offset, error.message);
      throw error;
    }
  }

  /** Streams a value to the handler, replacing references, however many chunks it spans. */
  private stream(s: string, i: number): number {
    const len = s.length;
    const q = s.indexOf(this.quote, i);
    const end = q === -1 ? len : q;
    while (i < end) {
      // Both are cached per chunk so that many small values in one chunk cost one search.
      if (this.nextLt < i) this.nextLt = indexOrLength(s, '<', i);
      if (this.nextAmp < i) this.nextAmp = indexOrLength(s, '&', i);
      if (this.nextLt < end) return this.fail(this.nextLt, '"<" is not allowed in an attribute value');
      const amp = this.nextAmp;
      if (amp >= end) {
        this.handler.valueChunk(s.slice(i, end));
        break;
      }
      if (amp > i) this.handler.valueChunk(s.slice(i, amp));
      const semi = referenceEnd(s, amp);
      if (semi === -1 || semi > end) {
        if (q === -1 && len - amp <= MAX_REFERENCE_LENGTH) return this.more(amp);
        throw this.entityFailure(undefinedEntity(s, amp, semi > end ? -1 : semi));
      }
      const code = referenceCode(s, amp + 1, semi);
      if (code < 0) throw this.entityFailure(undefinedEntity(s, amp, semi));
      this.handler.valueChunk(String.fromCodePoint(code));
      i = semi + 1;
    }
    if (q === -1) return len;
    this.state = State.InTag;
    this.handler.valueEnd();
    return q + 1;
  }

  private entityFailure(error: EntityError): MalformedBackupError {
    this.tracker.at(error.offset);
    return this.error(error.message);
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

  private closeElement(): void {
    const element = this.stack.pop();
    if (this.stack.length === 0) this.rootClosed = true;
    if (element !== undefined) this.handler.endTag(element.name);
  }

  private checkComplete(): void {
    if (this.state === State.Start) throw new NotABackupError(this.file, 'file is empty');
    if (this.state !== State.Text || this.stack.length > 0 || !this.rootSeen) throw this.truncated(-1);
  }

  /** The error for a file that ends inside something; it points where that something starts. */
  private truncated(tokenStart: number): MalformedBackupError {
    const top = this.stack.at(-1);
    let what: string;
    if (this.state === State.Value || this.state === State.Stream) {
      this.rememberValueStart();
      this.tracker.line = this.valueLine;
      this.tracker.column = this.valueColumn;
      what = `the value of attribute "${this.attrName}" of <${top?.name ?? ''}>, which starts`;
    } else if (this.state === State.InTag && top !== undefined) {
      this.moveTo(top);
      what = `the start tag <${top.name}>, which starts`;
    } else if (this.state === State.Markup) {
      this.tracker.at(Math.max(0, tokenStart));
      what = 'a tag, which starts';
    } else if (BODY_NAME[this.state] !== undefined) {
      this.moveTo({ line: this.bodyLine, column: this.bodyColumn });
      what = `${BODY_NAME[this.state] ?? ''}, which starts`;
    } else if (top !== undefined) {
      this.moveTo(top);
      const more = this.stack.length > 1 ? ` (${this.stack.length} elements are open)` : '';
      what = `element <${top.name}>${more}, opened`;
    } else {
      return this.error('file ends before its root element (truncated file?)');
    }
    return this.error(`truncated file: it ends inside ${what} here`);
  }

  private moveTo(at: { line: number; column: number }): void {
    this.tracker.line = at.line;
    this.tracker.column = at.column;
  }

  private rememberValueStart(): void {
    if (this.valueStart < 0) return;
    this.tracker.at(this.valueStart);
    this.valueLine = this.tracker.line;
    this.valueColumn = this.tracker.column;
    this.valueStart = -1;
  }

  private valueTooLong(): never {
    this.rememberValueStart();
    this.moveTo({ line: this.valueLine, column: this.valueColumn });
    throw this.error(`value of attribute "${this.attrName}" is longer than 64 MiB`);
  }

  /** Moves the tracker to `offset` within the current value (to its start when that is gone). */
  private locateInValue(offset: number): void {
    if (this.valueStart >= 0) this.tracker.at(this.valueStart + offset);
    else this.moveTo({ line: this.valueLine, column: this.valueColumn });
  }

  private warnInValue(code: WarningCode, offset: number, message: string): void {
    this.locateInValue(offset);
    this.handler.warning({ code, message, line: this.tracker.line, column: this.tracker.column });
  }

  private failInValue(offset: number, reason: string): never {
    this.locateInValue(offset);
    throw this.error(reason);
  }

  private warn(code: WarningCode, at: number, message: string): void {
    this.tracker.at(at);
    this.handler.warning({ code, message, line: this.tracker.line, column: this.tracker.column });
  }

  private fail(at: number, reason: string): never {
    this.tracker.at(at);
    throw this.error(reason);
  }

  /** An error at the tracker's last position. */
  private error(reason: string): MalformedBackupError {
    return new MalformedBackupError(this.file, this.tracker.line, this.tracker.column, reason);
  }
}

function isQuote(c: number): boolean {
  return c === DQUOTE || c === SQUOTE;
}

function indexOrLength(s: string, search: string, from: number): number {
  const at = s.indexOf(search, from);
  return at === -1 ? s.length : at;
}

function describeNonXml(head: string): string {
  if (head.startsWith('PK\u0003\u0004')) return 'it is a ZIP archive (unzip it first)';
  if (head.startsWith('{') || head.startsWith('[')) return 'file does not start with XML (it looks like JSON)';
  return 'file does not start with XML';
}
