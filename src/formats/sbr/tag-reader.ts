import { MalformedBackupError, NotABackupError } from '../errors.js';
import { DEFAULT_INPUT_LIMITS, formatSize, LimitExceededError, type InputLimits } from '../limits.js';
import type { Attr, WarningCode } from '../records.js';
import {
  EntityError,
  MAX_REFERENCE_LENGTH,
  decodeEntities,
  referenceCode,
  referenceEnd,
  undefinedEntity,
} from './entities.js';
import { LineTracker } from './line-tracker.js';
import { type NameInfo, NameTable, internalized, isNameChar, isNameStart, isSpace } from './names.js';
import { type OpenElement, type Position, type ScanHandler, State } from './scanner-types.js';
import { type Shape, ShapeTable } from './shapes.js';

/** The limits the scanner enforces itself (the record's is the RecordBuilder's). */
export type ScanLimits = Pick<InputLimits, 'maxTagChars' | 'maxAttributes'>;
/** A tag of a known shape cut by the end of the text waits for the next one when this short (or shorter). */
const MAX_WAITING_TAG = 4096;
/** Backups nest 5 deep; the limit bounds memory for hostile files. */
const MAX_DEPTH = 256;

export const GT = 62;
export const SLASH = 47;
const DQUOTE = 34;
const SQUOTE = 39;

/**
 * The part of the scanner that reads start tags and attribute values: nearly all of the work,
 * hence the fast paths. XmlScanner adds the chunk handling and the rest of the markup.
 */
export abstract class TagReader {
  protected readonly tracker = new LineTracker();
  protected readonly stack: OpenElement[] = [];
  protected state = State.Start;
  protected invalidUtf8 = false;
  protected rootSeen = false;
  protected rootClosed = false;
  /** Index of the next `<` in the current text at or after where it was last looked for. */
  protected nextLt = -1;
  protected nextAmp = -1;

  private readonly names = new NameTable();
  private readonly elementNames = new Map<string, string>();
  private readonly shapes: ShapeTable;
  /** Name of the element opened last at each depth, tried first for the next one there. */
  private readonly recentNames: string[] = [];

  // The start tag being read.
  private tagSerial = 0;
  private shape: Shape | undefined = undefined;
  /** Names the last tag of this element had; dropped at the first attribute that differs. */
  private predicted: readonly NameInfo[] | undefined = undefined;
  private attrIndex = 0;
  private readonly attrNames: NameInfo[] = [];
  private attrs: Attr[] | null = null;
  private needSpace = false;
  /**
   * Characters of attribute names and values the start tag being read holds so far (streamed
   * values not counted): what bounds the memory a hostile tag can take.
   */
  private tagChars = 0;

  // The attribute value being read.
  protected attrName = '';
  protected quote = '"';
  /** Index of the value in the current text, or -1 once it began in an earlier chunk. */
  private valueStart = -1;
  private valueLine = 0;
  private valueColumn = 0;
  private pieces: string[] = [];
  private piecesLength = 0;
  private valueSpecial = false;
  private valueInvalid = false;

  /**
   * @param streamed name of the attributes whose values the handler may want streamed
   *   (`streamValue` is asked for these only)
   */
  constructor(
    protected readonly file: string,
    protected readonly handler: ScanHandler,
    private readonly streamed: string,
    private readonly limits: ScanLimits = DEFAULT_INPUT_LIMITS,
  ) {
    this.shapes = new ShapeTable(streamed);
  }

  /** The token starting at `tokenStart` is cut by the end of the text: returns -1 to wait. */
  protected abstract more(tokenStart: number): number;

  /** Whether the text is the last there is (nothing can be waited for). */
  protected abstract atEnd(): boolean;

  /** `s[i]` is the `<` of a start tag. */
  protected startTag(s: string, i: number): number {
    const len = s.length;
    const depth = this.stack.length;
    let name = this.recentNames[depth];
    let j = name === undefined ? -1 : i + 1 + name.length;
    if (name === undefined || isNameChar(s.charCodeAt(j)) || s.slice(i + 1, j) !== name) {
      if (!isNameStart(s.charCodeAt(i + 1))) return this.notXml(i + 1, 'invalid element name');
      j = i + 2;
      while (j < len && isNameChar(s.charCodeAt(j))) j++;
      name = this.elementName(s.slice(i + 1, j));
    }
    if (j >= len) return this.more(i);
    const after = s.charCodeAt(j);
    if (!isSpace(after) && after !== GT && after !== SLASH) {
      return this.notXml(j, `unexpected character "${s.charAt(j)}" in element name`);
    }
    if (this.rootClosed) return this.fail(i, 'element after the end of the root element');
    if (depth >= MAX_DEPTH) return this.fail(i, `elements nested more than ${String(MAX_DEPTH)} deep`);
    const shape = this.shapes.get(name);
    // A tag of a known shape that the end of this text cuts waits for the next text, to be read
    // whole then (one tag in fifty was cut by the end of a piece, and read attribute by attribute).
    if (shape?.regex != null && len - j <= MAX_WAITING_TAG && !this.atEnd() && s.indexOf('>', j) === -1) return this.more(i);
    this.recentNames[depth] = name;
    this.tracker.at(i);
    const element: OpenElement = { name, line: this.tracker.line, column: this.tracker.column };
    this.stack.push(element);
    this.rootSeen = true;
    this.tagSerial++;
    this.shape = shape;
    this.predicted = shape?.names;
    this.attrIndex = 0;
    this.needSpace = false;
    this.tagChars = 0;
    this.state = State.InTag;
    this.attrs = this.handler.startTag(name, element.line, element.column);
    if (shape?.regex != null && !this.invalidUtf8) {
      const end = this.wholeTag(s, j, shape, shape.regex, false);
      if (end >= 0) return end;
      for (const [other, regex, anyQuote] of this.shapes.candidates(name, shape)) {
        this.shape = other;
        const at = this.wholeTag(s, j, other, regex, anyQuote);
        if (at >= 0) return at;
      }
      this.shape = shape;
    }
    return j;
  }

  /** Before the root element, a syntax error means the file is no XML at all. */
  private notXml(at: number, reason: string): never {
    if (!this.rootSeen) throw new NotABackupError(this.file, 'file does not start with XML');
    return this.fail(at, reason);
  }

  private elementName(name: string): string {
    const known = this.elementNames.get(name);
    if (known !== undefined) return known;
    const interned = internalized(name);
    if (this.elementNames.size < 1000) this.elementNames.set(interned, interned);
    return interned;
  }

  /**
   * Reads a start tag of a shape seen before in one regex match (see Shape); returns the index
   * after the tag, or -1 when it does not match (the tag is read attribute by attribute then).
   */
  private wholeTag(s: string, j: number, shape: Shape, regex: RegExp, anyQuote: boolean): number {
    regex.lastIndex = j;
    const match = regex.exec(s);
    if (match === null) return -1;
    if (anyQuote) return this.wholeTagAnyQuote(s, j, shape, match, regex.lastIndex);
    const end = regex.lastIndex;
    const names = shape.strings;
    // Values are checked even when the handler drops them.
    const attrs = this.attrs ?? [];
    if (this.nextAmp < j) this.nextAmp = indexOrLength(s, '&', j);
    if (this.nextAmp >= end) {
      for (let k = 0; k < names.length; k++) attrs.push([names[k] ?? '', match[k + 1] ?? '']);
    } else {
      // The regex admits exactly ` name="`, so each value's index follows from the lengths.
      let at = j;
      for (let k = 0; k < names.length; k++) {
        const name = names[k] ?? '';
        const raw = match[k + 1] ?? '';
        this.attrName = name;
        this.valueStart = at + name.length + 3;
        at = this.valueStart + raw.length + 1;
        attrs.push([name, raw.includes('&') ? this.decodeValue(raw, false) : raw]);
      }
    }
    if (names.length > 0) this.handler.attributeText?.(s.slice(j, s.lastIndexOf('"', end) + 1));
    this.tagChars = end - j;
    this.endOfStartTag(match[names.length + 1] === '/', shape.names, names.length);
    return end;
  }

  /**
   * wholeTag for a match of Shape.anyQuote. The attribute text the handler gets is the tag as it
   * would be with every value in double quotes (a `"` in a single-quoted value written `&quot;`):
   * the same values, in the form the handler reads.
   */
  private wholeTagAnyQuote(s: string, j: number, shape: Shape, match: RegExpExecArray, end: number): number {
    const names = shape.strings;
    const attrs = this.attrs ?? [];
    let text = '';
    let at = j;
    for (let k = 0; k < names.length; k++) {
      const name = names[k] ?? '';
      const double = match[2 * k + 1];
      const raw = double ?? match[2 * k + 2] ?? '';
      this.attrName = name;
      this.valueStart = at + name.length + 3;
      at = this.valueStart + raw.length + 1;
      attrs.push([name, raw.includes('&') ? this.decodeValue(raw, false) : raw]);
      text += ` ${name}="${double === undefined ? raw.replaceAll('"', '&quot;') : raw}"`;
    }
    if (names.length > 0) this.handler.attributeText?.(text);
    this.tagChars = end - j;
    this.endOfStartTag(match[2 * names.length + 1] === '/', shape.names, names.length);
    return end;
  }

  /** Reads attributes up to the end of the start tag. */
  protected inTag(s: string, i: number): number {
    for (;;) {
      if (this.predicted !== undefined) i = this.knownAttributes(s, i);
      const next = this.attribute(s, i);
      if (next < 0 || next >= s.length || this.state !== State.InTag) return next;
      i = next;
    }
  }

  /**
   * ` name="value"` with the name the last tag of this element had at this place and a value
   * without references, fast. It stops at anything else, for `attribute` to read.
   */
  private knownAttributes(s: string, i: number): number {
    const predicted = this.predicted ?? [];
    const attrs = this.attrs;
    const serial = this.tagSerial;
    const first = this.attrIndex;
    let k = first;
    for (; k < predicted.length; k++) {
      const info = predicted[k];
      if (info === undefined || s.charCodeAt(i) !== 32) break;
      const at = i + 1;
      const eq = at + info.name.length;
      // A slice compared with an internalized string beats startsWith and indexOf here.
      if (s.charCodeAt(eq) !== 61 || s.charCodeAt(eq + 1) !== DQUOTE || s.slice(at, eq) !== info.name) break;
      if (info.stamp === serial || info.name === this.streamed) break;
      const start = eq + 2;
      const e = s.indexOf('"', start);
      if (e === -1) break;
      if (this.nextAmp < start) this.nextAmp = indexOrLength(s, '&', start);
      if (this.nextLt < start) this.nextLt = indexOrLength(s, '<', start);
      if (this.nextAmp < e || this.nextLt < e || this.invalidUtf8) break;
      info.stamp = serial;
      this.attrNames[k] = info;
      attrs?.push([info.name, s.slice(start, e)]);
      this.tagChars += e + 1 - i;
      i = e + 1;
    }
    if (k > first) {
      this.attrIndex = k;
      this.needSpace = true;
    }
    return i;
  }

  /** Reads one attribute, or the end of the start tag, in full generality. */
  private attribute(s: string, i: number): number {
    const len = s.length;
    let c = s.charCodeAt(i);
    if (isSpace(c)) {
      this.needSpace = false;
      do c = s.charCodeAt(++i);
      while (isSpace(c));
    }
    if (i >= len) return len;
    if (c === GT || c === SLASH) {
      if (c === SLASH && i + 1 >= len) return this.more(i);
      if (c === SLASH && s.charCodeAt(i + 1) !== GT) return this.fail(i, 'expected "/>"');
      this.endOfStartTag(c === SLASH, this.attrNames, this.attrIndex);
      return c === SLASH ? i + 2 : i + 1;
    }
    if (this.needSpace) return this.fail(i, 'expected whitespace between attributes');
    const start = this.attributeStart(s, i);
    if (start < 0) return this.more(i);

    const name = this.attrName;
    this.valueStart = start;
    this.quote = s.charCodeAt(start - 1) === DQUOTE ? '"' : "'";
    this.needSpace = true;
    if (name === this.streamed && this.handler.streamValue(name)) {
      this.state = State.Stream;
      return start;
    }
    const e = s.indexOf(this.quote, start);
    const end = e === -1 ? len : e;
    if (this.nextAmp < start) this.nextAmp = indexOrLength(s, '&', start);
    if (this.nextLt < start) this.nextLt = indexOrLength(s, '<', start);
    const special = this.nextAmp < end || this.nextLt < end;
    if (e === -1) {
      this.tagChars += start - i;
      this.pieces = [s.slice(start)];
      this.piecesLength = len - start;
      this.valueSpecial = special;
      this.valueInvalid = this.invalidUtf8;
      this.state = State.Value;
      return len;
    }
    const raw = s.slice(start, e);
    const value = special || this.invalidUtf8 ? this.decodeValue(raw, this.invalidUtf8) : raw;
    this.attrs?.push([name, value]);
    this.tagChars += e + 1 - i;
    if (this.tagChars > this.limits.maxTagChars) this.tagTooLarge();
    return e + 1;
  }

  /**
   * Reads `name = "` at `i`, checks the name is new in this tag and sets `attrName`; returns the
   * index of the value, or -1 when the text ends first.
   */
  private attributeStart(s: string, i: number): number {
    const len = s.length;
    if (!isNameStart(s.charCodeAt(i))) return this.fail(i, `unexpected character "${s.charAt(i)}" in a start tag`);
    let k = i + 1;
    while (isNameChar(s.charCodeAt(k))) k++;
    if (k >= len) return -1;
    const info = this.names.intern(s.slice(i, k));
    while (isSpace(s.charCodeAt(k))) k++;
    if (k >= len) return -1;
    if (s.charCodeAt(k) !== 61 /* = */) return this.fail(k, `expected "=" after attribute name "${info.name}"`);
    do k++;
    while (isSpace(s.charCodeAt(k)));
    if (k >= len) return -1;
    const q = s.charCodeAt(k);
    if (q !== DQUOTE && q !== SQUOTE) return this.fail(k, `value of attribute "${info.name}" is not in quotes`);

    if (info.shared ? info.stamp === this.tagSerial : this.isUnsharedDuplicate(info.name)) {
      this.fail(i, `duplicate attribute "${info.name}" on <${this.stack.at(-1)?.name ?? ''}>`);
    }
    if (info !== this.predicted?.[this.attrIndex]) this.predicted = undefined;
    if (this.attrIndex >= this.limits.maxAttributes) this.tooManyAttributes();
    info.stamp = this.tagSerial;
    this.attrNames[this.attrIndex++] = info;
    this.attrName = info.name;
    return k + 1;
  }

  private tagTooLarge(): never {
    const tag = this.stack.at(-1) ?? { name: '', line: 0, column: 0 };
    throw new LimitExceededError(
      this.file,
      'maxTagChars',
      `the start tag <${tag.name}> at ${tag.line}:${tag.column} holds more than ${formatSize(this.limits.maxTagChars)} of attribute text`,
      formatSize(this.limits.maxTagChars),
    );
  }

  private tooManyAttributes(): never {
    const tag = this.stack.at(-1) ?? { name: '', line: 0, column: 0 };
    const max = String(this.limits.maxAttributes);
    throw new LimitExceededError(this.file, 'maxAttributes', `the start tag <${tag.name}> at ${tag.line}:${tag.column} has more than ${max} attributes`, `${max} attributes`);
  }

  private isUnsharedDuplicate(name: string): boolean {
    for (let k = 0; k < this.attrIndex; k++) if (this.attrNames[k]?.name === name) return true;
    return false;
  }

  private endOfStartTag(selfClosing: boolean, names: readonly NameInfo[], count: number): void {
    if (this.tagChars > this.limits.maxTagChars) this.tagTooLarge();
    if (count > this.limits.maxAttributes) this.tooManyAttributes();
    this.shapes.update(this.stack.at(-1)?.name ?? '', this.shape, names, count);
    this.state = State.Text;
    this.handler.startTagEnd(selfClosing, this.tagChars, count);
    if (selfClosing) this.closeElement();
  }

  protected closeElement(): void {
    const element = this.stack.pop();
    if (this.stack.length === 0) this.rootClosed = true;
    if (element !== undefined) this.handler.endTag(element.name);
  }

  /** Continues a value that began in an earlier chunk. */
  protected valueRest(s: string, i: number): number {
    const len = s.length;
    const e = s.indexOf(this.quote, i);
    const end = e === -1 ? len : e;
    if (this.nextAmp < i) this.nextAmp = indexOrLength(s, '&', i);
    if (this.nextLt < i) this.nextLt = indexOrLength(s, '<', i);
    this.valueSpecial ||= this.nextAmp < end || this.nextLt < end;
    this.valueInvalid ||= this.invalidUtf8;
    this.pieces.push(s.slice(i, end));
    this.piecesLength += end - i;
    // Checked as the value grows, before it is joined: a hostile value never gets past the limit.
    if (this.tagChars + this.piecesLength > this.limits.maxTagChars) {
      this.pieces = [];
      this.tagTooLarge();
    }
    if (e === -1) return len;
    this.tagChars += this.piecesLength + 1;
    const raw = this.pieces.join('');
    this.pieces = [];
    this.state = State.InTag;
    const value = this.valueSpecial || this.valueInvalid ? this.decodeValue(raw, this.valueInvalid) : raw;
    this.attrs?.push([this.attrName, value]);
    return e + 1;
  }

  private decodeValue(raw: string, invalidUtf8: boolean): string {
    if (invalidUtf8 && raw.includes('\uFFFD')) {
      const message = `invalid UTF-8 in attribute "${this.attrName}" replaced with U+FFFD`;
      this.handler.warning({ code: 'invalid-utf8', message, ...this.inValue(raw, raw.indexOf('\uFFFD')) });
    }
    const lt = raw.indexOf('<');
    if (lt !== -1) throw this.errorAt(this.inValue(raw, lt), '"<" is not allowed in an attribute value');
    if (!raw.includes('&')) return raw;
    try {
      return decodeEntities(raw, (code, offset, message) => {
        this.handler.warning({ code, message, ...this.inValue(raw, offset) });
      });
    } catch (error) {
      if (error instanceof EntityError) throw this.errorAt(this.inValue(raw, error.offset), error.message);
      throw error;
    }
  }

  /** Streams a value to the handler, replacing references, however many chunks it spans. */
  protected stream(s: string, i: number): number {
    const len = s.length;
    const q = s.indexOf(this.quote, i);
    const end = q === -1 ? len : q;
    while (i < end) {
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
        return this.fail(amp, undefinedEntity(s, amp, semi > end ? -1 : semi).message);
      }
      const code = referenceCode(s, amp + 1, semi);
      if (code < 0) return this.fail(amp, undefinedEntity(s, amp, semi).message);
      this.handler.valueChunk(String.fromCodePoint(code));
      i = semi + 1;
    }
    if (q === -1) return len;
    this.state = State.InTag;
    this.handler.valueEnd();
    return q + 1;
  }

  /** Where the value being read starts. */
  protected valueAt(): Position {
    this.rememberValueStart();
    return { line: this.valueLine, column: this.valueColumn };
  }

  /** Called before the text the value started in is left behind. */
  protected rememberValueStart(): void {
    if (this.valueStart < 0) return;
    this.tracker.at(this.valueStart);
    this.valueLine = this.tracker.line;
    this.valueColumn = this.tracker.column;
    this.valueStart = -1;
  }

  /**
   * The position of `offset` in the value `raw` being read. A value that began in an earlier
   * chunk has its start remembered; the rest follows from its own newlines.
   */
  private inValue(raw: string, offset: number): Position {
    if (this.valueStart >= 0) return this.positionOf(this.valueStart + offset);
    let line = this.valueLine;
    for (let nl = raw.indexOf('\n'); nl !== -1 && nl < offset; nl = raw.indexOf('\n', nl + 1)) line++;
    const lastNewline = raw.lastIndexOf('\n', offset - 1);
    return { line, column: lastNewline === -1 ? this.valueColumn + offset : offset - lastNewline };
  }

  protected positionOf(index: number): Position {
    this.tracker.at(index);
    return { line: this.tracker.line, column: this.tracker.column };
  }

  protected warn(code: WarningCode, at: number, message: string): void {
    this.handler.warning({ code, message, ...this.positionOf(at) });
  }

  protected fail(at: number, reason: string): never {
    throw this.errorAt(this.positionOf(at), reason);
  }

  protected errorAt(at: Position, reason: string): MalformedBackupError {
    return new MalformedBackupError(this.file, at.line, at.column, reason);
  }
}

export function indexOrLength(s: string, search: string, from: number): number {
  const at = s.indexOf(search, from);
  return at === -1 ? s.length : at;
}
