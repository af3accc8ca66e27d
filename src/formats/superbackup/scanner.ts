/**
 * A tolerant streaming scanner for Super Backup & Restore's XML (FORMATS.md section 7.1). The
 * app's files are not always well-formed: bodies may hold raw newlines and tabs (kept as they
 * are: an XML parser would turn them into spaces) and unescaped `"`. A value therefore ends at
 * the quote after which the element's next attribute starts (`" read="`), or another attribute
 * this element does not know, or the tag's end when no known attribute is left: the app writes
 * its attributes in one known order, so a quote inside a body is almost never followed by one.
 *
 * Text is decoded once per chunk and scanned with indexOf and sticky regular expressions; memory
 * is one chunk plus at most one element (MAX_ELEMENT characters), whatever the file's size.
 */
import { BufferLines } from '../buffer-lines.js';
import { MalformedBackupError, NotABackupError } from '../errors.js';
import type { Attr, SourcePosition } from '../records.js';
import { attributeTextOfTag } from '../sbr/attribute-text.js';
import { referenceCode } from '../sbr/entities.js';

/** The attributes of each element, in the order the app writes them. */
export const SMS_ATTRS = ['address', 'time', 'date', 'type', 'body', 'read', 'service_center', 'name'] as const;
export const LOG_ATTRS = ['number', 'time', 'date', 'type', 'name', 'new', 'dur'] as const;
const ROOT_ATTRS = ['count'] as const;

/** Longer than any SMS (a concatenated SMS is a few KB): a bigger element is not this format. */
export const MAX_ELEMENT = 1024 * 1024;

export type SuperBackupRoot = 'allsms' | 'alllogs';

export interface ScannerEvents {
  root(root: SuperBackupRoot, attrs: Attr[]): void;
  /**
   * An `<sms>` (in `<allsms>`) or `<log>` (in `<alllogs>`). `attrText`: an SMS read whole comes
   * with its attributes as the archive keeps them (SmsRecord.attrText), made from the tag's text,
   * where that text can hold them exactly; undefined otherwise (the import renders `attrs` then).
   */
  element(name: 'sms' | 'log', attrs: Attr[], position: SourcePosition, attrText?: string): void;
  /** Something the format does not have; skipped. */
  warning(code: 'unknown-element' | 'stray-text', message: string, line: number, column: number): void;
}

const NEED_MORE = -2;
/** After a closing quote: another attribute's name and `=`, or the end of the tag. */
const FOLLOW = /[ \t\r\n]+([A-Za-z_][\w.:-]*)[ \t\r\n]*=[ \t\r\n]*["']|[ \t\r\n]*(\/?>)/y;
/** Could still become FOLLOW once more text arrives (only checked at the end of the buffer). */
const FOLLOW_PREFIX = /[ \t\r\n]*(?:[A-Za-z_][\w.:-]*[ \t\r\n]*(?:=[ \t\r\n]*)?)?\/?$/y;
const NAME = /[A-Za-z_][\w.:-]*/y;

/**
 * The app's usual tag, whole, in one native match: its attributes in its order, one space apart,
 * no quote inside a value. It takes the same value ends as the attribute-by-attribute path (each
 * value's first quote, followed by the next known attribute); any other tag is read that way.
 */
function shape(names: readonly string[]): RegExp {
  return new RegExp(`${names.map((n) => ` ${n}="([^"]*)"`).join('')}[ \t\r\n]*/>`, 'y');
}
const SHAPES = { sms: shape(SMS_ATTRS), log: shape(LOG_ATTRS) };
const SPACE = /[ \t\r\n]*/y;

export interface ScannerOptions {
  /**
   * Whether tags of the app's usual shape are read whole (SHAPES). Off, every tag goes the
   * tolerant attribute-by-attribute way: the tests compare the two.
   */
  wholeTags?: boolean;
}

/**
 * The archive's attribute text of a tag read whole (` name="value"` each, one space apart, no
 * quote inside a value). A raw `<` is the one character the SBR tag reader never meets, so
 * attributeTextOfTag would keep it where the writer escapes it: such tags are rendered instead.
 */
function smsAttributeText(raw: string): string | undefined {
  return raw.includes('<') ? undefined : attributeTextOfTag(raw);
}

export class SuperBackupScanner {
  private buf = '';
  private readonly decoder = new TextDecoder('utf-8');
  private readonly lines = new BufferLines();
  private root: SuperBackupRoot | undefined;
  private ended = false;
  /**
   * The text run being read (up to the next `<`) was warned about already: a run that reaches
   * the end of the buffer goes on in the next chunk, and is one warning, not one per chunk.
   */
  private strayWarned = false;
  private index = 0;
  private readonly wholeTags: boolean;

  constructor(
    private readonly file: string,
    private readonly events: ScannerEvents,
    options: ScannerOptions = {},
  ) {
    this.wholeTags = options.wholeTags ?? true;
  }

  push(chunk: Buffer): void {
    this.buf += this.decoder.decode(chunk, { stream: true });
    this.scan(false);
  }

  end(): void {
    this.buf += this.decoder.decode();
    this.scan(true);
    if (this.root === undefined) throw new NotABackupError(this.file, 'it has no <allsms> or <alllogs> element', 'a Super Backup & Restore backup');
    if (!this.ended) {
      const at = this.position(this.buf.length);
      throw new MalformedBackupError(this.file, at.line, at.column, `the file ends before </${this.root}>: it is truncated (use --salvage to keep the records before the end)`);
    }
  }

  private scan(eof: boolean): void {
    let p = 0;
    const s = this.buf;
    for (;;) {
      const lt = s.indexOf('<', p);
      const textEnd = lt === -1 ? s.length : lt;
      if (textEnd > p) this.text(p, textEnd);
      if (lt !== -1) this.strayWarned = false;
      if (lt === -1) {
        p = s.length;
        break;
      }
      const next = this.markup(lt, eof);
      if (next === NEED_MORE) {
        p = lt;
        break;
      }
      p = next;
    }
    if (!eof && s.length - p > MAX_ELEMENT) {
      const at = this.position(p);
      throw new MalformedBackupError(this.file, at.line, at.column, `an element longer than ${MAX_ELEMENT} characters: not a Super Backup & Restore file, or a damaged one`);
    }
    this.drop(p);
  }

  /** Text between elements: only white space belongs there. */
  private text(from: number, to: number): void {
    const s = this.buf;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) {
        if (this.strayWarned) return;
        this.strayWarned = true;
        const at = this.position(i);
        this.events.warning('stray-text', `text outside any element skipped: ${JSON.stringify(s.slice(i, Math.min(to, i + 40)))}`, at.line, at.column);
        return;
      }
    }
  }

  /** Reads the markup at `lt`; returns where scanning goes on, or NEED_MORE. */
  private markup(lt: number, eof: boolean): number {
    const s = this.buf;
    if (lt + 1 >= s.length) return eof ? this.truncated(lt) : NEED_MORE;
    const c = s.charCodeAt(lt + 1);
    if (c === 63 /* ? */) return this.skipTo(lt, '?>', eof);
    if (c === 33 /* ! */) return s.startsWith('<!--', lt) ? this.skipTo(lt, '-->', eof) : this.skipTo(lt, '>', eof);
    const nameAt = lt + 1 + (c === 47 /* / */ ? 1 : 0);
    if (nameAt >= s.length) return eof ? this.truncated(lt) : NEED_MORE;
    NAME.lastIndex = nameAt;
    const m = NAME.exec(s);
    if (m === null) {
      this.skipWarn(lt, 'stray-text', 'a "<" that starts no element; skipped');
      return lt + 1;
    }
    const name = m[0];
    const afterName = NAME.lastIndex;
    if (afterName >= s.length && !eof) return NEED_MORE;
    if (c === 47) return this.closing(lt, name, eof);
    if (this.root === undefined) {
      if (name !== 'allsms' && name !== 'alllogs') {
        throw new NotABackupError(this.file, `its root element is <${name}>, not <allsms> or <alllogs>`, 'a Super Backup & Restore backup');
      }
      const tag = this.attributes(afterName, ROOT_ATTRS, eof, lt);
      if (tag === undefined) return NEED_MORE;
      this.root = name;
      this.events.root(name, tag.attrs);
      if (tag.selfClosing) this.ended = true;
      return tag.end;
    }
    const wanted = this.root === 'allsms' ? 'sms' : 'log';
    if (name === wanted && !this.ended) {
      const known = name === 'sms' ? SMS_ATTRS : LOG_ATTRS;
      if (this.wholeTags) {
        const fast = SHAPES[name];
        fast.lastIndex = afterName;
        const m = fast.exec(s);
        if (m !== null) {
          const end = fast.lastIndex;
          const attrs: Attr[] = new Array<Attr>(known.length);
          for (let i = 0; i < known.length; i++) attrs[i] = [known[i] ?? '', decodeValue(m[i + 1] ?? '')];
          // The attributes' text as it stands: from the space before the first to the last quote.
          const attrText = name === 'sms' ? smsAttributeText(s.slice(afterName, s.lastIndexOf('"', end - 1) + 1)) : undefined;
          this.events.element(name, attrs, this.recordPosition(lt), attrText);
          return end;
        }
      }
      const tag = this.attributes(afterName, known, eof, lt);
      if (tag === undefined) return NEED_MORE;
      this.events.element(name, tag.attrs, this.recordPosition(lt));
      return tag.end;
    }
    // Another element (none is known): skip its tag.
    const end = this.skipTo(lt, '>', eof);
    if (end !== NEED_MORE) this.skipWarn(lt, 'unknown-element', `<${name}> is not part of a Super Backup & Restore ${this.root} file; skipped`);
    return end;
  }

  private closing(lt: number, name: string, eof: boolean): number {
    const end = this.skipTo(lt, '>', eof);
    if (end === NEED_MORE) return end;
    if (name === this.root) this.ended = true;
    else if (name !== 'sms' && name !== 'log') this.skipWarn(lt, 'unknown-element', `</${name}> closes nothing; skipped`);
    return end;
  }

  /**
   * The attributes of a tag whose name ends at `from`, or undefined when the buffer ends first.
   * `known`: the element's attribute names in the app's order.
   */
  private attributes(from: number, known: readonly string[], eof: boolean, lt: number): { attrs: Attr[]; end: number; selfClosing: boolean } | undefined {
    const s = this.buf;
    const attrs: Attr[] = [];
    let p = from;
    let next = 0;
    for (;;) {
      SPACE.lastIndex = p;
      SPACE.exec(s);
      p = SPACE.lastIndex;
      if (p >= s.length) return eof ? this.fail(lt, 'the file ends inside a tag: it is truncated') : undefined;
      const c = s.charCodeAt(p);
      if (c === 62 /* > */) return { attrs, end: p + 1, selfClosing: false };
      if (c === 47 /* / */) {
        if (p + 1 >= s.length) return eof ? this.fail(lt, 'the file ends inside a tag: it is truncated') : undefined;
        if (s.charCodeAt(p + 1) === 62) return { attrs, end: p + 2, selfClosing: true };
        return this.fail(p, 'a "/" inside a tag');
      }
      NAME.lastIndex = p;
      const m = NAME.exec(s);
      if (m === null) return this.fail(p, `unexpected ${JSON.stringify(s[p])} inside a tag`);
      const name = m[0];
      p = NAME.lastIndex;
      SPACE.lastIndex = p;
      SPACE.exec(s);
      p = SPACE.lastIndex;
      if (p >= s.length) return eof ? this.fail(lt, 'the file ends inside a tag: it is truncated') : undefined;
      if (s.charCodeAt(p) !== 61 /* = */) return this.fail(p, `attribute ${name} has no value`);
      SPACE.lastIndex = p + 1;
      SPACE.exec(s);
      p = SPACE.lastIndex;
      if (p >= s.length) return eof ? this.fail(lt, 'the file ends inside a tag: it is truncated') : undefined;
      const q = s[p];
      if (q !== '"' && q !== "'") return this.fail(p, `the value of ${name} is not in quotes`);
      const k = known.indexOf(name, next);
      if (k !== -1) next = k + 1;
      const close = this.valueEnd(p + 1, q, known, next, eof);
      if (close === NEED_MORE) return undefined;
      if (close === -1) return this.fail(lt, `the value of ${name} never ends: the file is truncated`);
      attrs.push([name, decodeValue(s.slice(p + 1, close))]);
      p = close + 1;
    }
  }

  /**
   * The index of the quote that ends a value starting at `from`: the first quote followed by an
   * attribute of this element still to come, or by an attribute it does not know, or, once none
   * of its known attributes is left, by the tag's end. A quote followed by the tag's end while
   * known attributes remain ends the value only when the next record starts before any quote
   * that is followed by one of them (the element lacks them; an old app version).
   */
  private valueEnd(from: number, q: string, known: readonly string[], next: number, eof: boolean): number {
    const s = this.buf;
    let tagEnd = -1;
    for (let c = s.indexOf(q, from); ; c = s.indexOf(q, c + 1)) {
      if (tagEnd !== -1) {
        const boundary = recordStart(s, tagEnd);
        if (boundary !== -1 && (c === -1 || c > boundary)) return tagEnd;
      }
      if (c === -1) return eof ? tagEnd : NEED_MORE;
      FOLLOW.lastIndex = c + 1;
      const m = FOLLOW.exec(s);
      if (m === null) {
        FOLLOW_PREFIX.lastIndex = c + 1;
        if (!eof && FOLLOW_PREFIX.test(s)) return NEED_MORE;
        continue;
      }
      const attr = m[1];
      if (attr !== undefined) {
        const k = known.indexOf(attr);
        // A later attribute of this element, or one it does not know: the value ended here.
        if (k >= next || k === -1) return c;
        continue;
      }
      if (next >= known.length) return c;
      if (tagEnd === -1) tagEnd = c;
    }
  }

  private fail(at: number, reason: string): never {
    const pos = this.position(at);
    throw new MalformedBackupError(this.file, pos.line, pos.column, reason);
  }

  private truncated(at: number): never {
    return this.fail(at, 'the file ends inside a tag: it is truncated');
  }

  private skipTo(lt: number, close: string, eof: boolean): number {
    const i = this.buf.indexOf(close, lt + 1);
    if (i === -1) return eof ? this.truncated(lt) : NEED_MORE;
    return i + close.length;
  }

  private skipWarn(at: number, code: 'unknown-element' | 'stray-text', message: string): void {
    const pos = this.position(at);
    this.events.warning(code, message, pos.line, pos.column);
  }

  /** The next record's position, its tag starting at buf[lt]: one object per record. */
  private recordPosition(lt: number): SourcePosition {
    this.lines.countTo(this.buf, lt);
    return { line: this.lines.line, column: lt - this.lines.lineStart + 1, index: this.index++ };
  }

  /** Line and column (1-based, UTF-16 units) of buf[at]; `at` never goes backwards between drops. */
  private position(at: number): { line: number; column: number } {
    this.lines.countTo(this.buf, at);
    return { line: this.lines.line, column: at - this.lines.lineStart + 1 };
  }

  /** Forgets buf[0, p). */
  private drop(p: number): void {
    if (p === 0) return;
    this.lines.drop(this.buf, p);
    this.buf = this.buf.slice(p);
  }
}

/** Where the next record (or the root's end) starts after `from`, or -1. */
function recordStart(s: string, from: number): number {
  let best = -1;
  for (const t of ['<sms', '<log', '</allsms', '</alllogs']) {
    const i = s.indexOf(t, from);
    if (i !== -1 && (best === -1 || i < best)) best = i;
  }
  return best;
}

/** Character and entity references decoded; anything else (a bare `&`, raw newlines and tabs) kept as written. */
export function decodeValue(raw: string): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let last = 0;
  for (let a = raw.indexOf('&'); a !== -1; a = raw.indexOf('&', a + 1)) {
    const semi = raw.indexOf(';', a + 1);
    if (semi === -1 || semi - a > 34) continue;
    const code = referenceCode(raw, a + 1, semi);
    if (code < 0) continue;
    out += raw.slice(last, a) + (code > 0xffff ? String.fromCodePoint(code) : String.fromCharCode(code));
    last = semi + 1;
    a = semi;
  }
  return out + raw.slice(last);
}
