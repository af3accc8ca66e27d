/**
 * A streaming XML tokenizer for Titanium Backup's messages XML (FORMATS.md section 7.5). Unlike
 * SMS Backup & Restore, the messages' text and media are element **content** (`<sms>text</sms>`,
 * `<part encoding="base64">...</part>`), so this scanner reports text as it arrives, in pieces:
 * a part of hundreds of MB passes through in chunks and is never one string.
 *
 * Memory: one decoded chunk plus at most one unfinished token. A start tag (its attributes) may
 * hold up to `maxTagChars` and `maxAttributes` (limits.ts); comments, processing instructions and
 * CDATA sections are bounded the same way. No DTD is read: `<!DOCTYPE` is an error, and the only
 * references are the five predefined entities and character references (sbr/entities.ts), so no
 * entity is ever expanded. Line ends in text are normalised as XML does (CR LF and CR -> LF), and
 * white space in attribute values too (a literal tab or line break is a space).
 */
import { BufferLines } from '../buffer-lines.js';
import { MalformedBackupError, NotABackupError } from '../errors.js';
import { formatSize, LimitExceededError, type InputLimits } from '../limits.js';
import type { Attr } from '../records.js';
import { decodeEntities, EntityError, type EntityWarning } from '../sbr/entities.js';
import { isNameChar, isNameStart, isSpace } from '../sbr/names.js';

export interface Position {
  line: number;
  column: number;
}

export interface ScanEvents {
  /** A start tag, its attributes decoded, in order. `selfClosing`: an `end` follows at once. */
  start(name: string, attrs: Attr[], at: Position, tagChars: number): void;
  end(name: string, at: Position): void;
  /** Element content (references decoded, line ends normalised), in pieces; `at` is where the piece starts. */
  text(text: string, at: Position): void;
  warning(code: EntityWarning, message: string, at: Position): void;
}

/** A name, an end tag or a reference cut by a chunk boundary is at most this long. */
const MAX_TOKEN = 64 * 1024;
/** References held back at the end of a chunk (a surrogate pair is two) fit in this. */
const MAX_HELD_REFERENCES = 80;
const NEED_MORE = -1;
/** How much of a damaged end tag's name a message quotes. */
const MAX_NAME_SHOWN = 60;
/** Up to this many attributes a repeated name is looked for in the list, past it in a set. */
const FEW_ATTRS = 16;
const EXPECTED = 'a Titanium Backup messages XML file';

export class TitaniumScanner {
  private buf = '';
  private readonly decoder = new TextDecoder('utf-8');
  private readonly lines = new BufferLines();
  private readonly open: { name: string; at: Position }[] = [];
  private rootSeen = false;
  private rootClosed = false;
  private started = false;
  private eof = false;

  constructor(
    private readonly file: string,
    private readonly limits: InputLimits,
    private readonly events: ScanEvents,
  ) {}

  push(chunk: Buffer): void {
    this.buf += this.decoder.decode(chunk, { stream: true });
    this.scan();
  }

  end(): void {
    this.buf += this.decoder.decode();
    this.eof = true;
    this.scan();
    if (!this.rootSeen) throw new NotABackupError(this.file, this.started ? 'it has no root element' : 'the file is empty', EXPECTED);
    const top = this.open.at(-1);
    if (top !== undefined) {
      const at = this.position(this.buf.length);
      const open = this.open.slice(-4).map((e) => `<${e.name}> (${e.at.line}:${e.at.column})`);
      throw new MalformedBackupError(this.file, at.line, at.column, `truncated file: it ends inside <${top.name}>; open elements: ${open.join(' > ')} (use --salvage to keep the records before the end)`);
    }
  }

  private scan(): void {
    const s = this.buf;
    let p = 0;
    while (p < s.length) {
      if (!this.started) {
        if (p === 0 && s.charCodeAt(0) === 0xfeff) p = 1;
        while (p < s.length && isSpace(s.charCodeAt(p))) p++;
        if (p === s.length) break;
        if (s.charCodeAt(p) !== 60 /* < */) throw new NotABackupError(this.file, describeNonXml(s.slice(p, p + 4)), EXPECTED);
        this.started = true;
      }
      const lt = s.indexOf('<', p);
      if (lt !== p) {
        const end = lt === -1 ? s.length : lt;
        p = this.text(p, end, lt !== -1 || this.eof);
        if (lt === -1 || p < end) break;
      }
      const next = this.markup(p);
      if (next === NEED_MORE) break;
      p = next;
    }
    this.drop(p);
  }

  /** Text from `from` to `to`; returns how far it was consumed (references cut by the chunk's end wait). */
  private text(from: number, to: number, complete: boolean): number {
    const s = this.buf;
    let end = to;
    if (!complete) {
      end = heldReferences(s, from, to);
      if (end > from && s.charCodeAt(end - 1) === 13 /* CR */) end--;
      if (end === from) return from;
    }
    const at = this.position(from);
    if (this.open.length === 0) {
      // Outside the root only white space belongs.
      for (let i = from; i < end; i++) {
        if (!isSpace(s.charCodeAt(i))) {
          const pos = this.position(i);
          throw new MalformedBackupError(this.file, pos.line, pos.column, `text outside the root element: ${JSON.stringify(s.slice(i, Math.min(end, i + 20)))}`);
        }
      }
      return end;
    }
    let raw = s.slice(from, end);
    if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
    let text = raw;
    if (raw.includes('&')) {
      try {
        text = decodeEntities(raw, (code, offset, message) => {
          this.events.warning(code, message, this.position(from + offset));
        });
      } catch (e) {
        if (e instanceof EntityError) this.fail(from + e.offset, e.message);
        throw e;
      }
    }
    this.events.text(text, at);
    return end;
  }

  /** The markup at `lt`; returns where scanning goes on, or NEED_MORE. */
  private markup(lt: number): number {
    const s = this.buf;
    if (lt + 1 >= s.length) return this.more(lt);
    const c = s.charCodeAt(lt + 1);
    if (c === 63 /* ? */) return this.skip(lt, '?>', 'a processing instruction');
    if (c === 33 /* ! */) {
      if (s.startsWith('<!--', lt)) return this.skip(lt, '-->', 'a comment');
      if (s.startsWith('<![CDATA[', lt)) return this.cdata(lt);
      if (s.startsWith('<!DOCTYPE', lt)) return this.fail(lt, 'DOCTYPE is not allowed (no DTDs or entity expansion in backups)');
      if (s.length - lt < 9 && ['<!--', '<![CDATA[', '<!DOCTYPE'].some((m) => m.startsWith(s.slice(lt, lt + 9)))) return this.more(lt);
      return this.fail(lt, `unexpected markup ${JSON.stringify(s.slice(lt, lt + 9))}`);
    }
    if (c === 47 /* / */) return this.endTag(lt);
    return this.startTag(lt);
  }

  private endTag(lt: number): number {
    const s = this.buf;
    const gt = s.indexOf('>', lt);
    if (gt === -1) return s.length - lt > MAX_TOKEN ? this.fail(lt, 'an end tag that never ends') : this.more(lt);
    const name = s.slice(lt + 2, gt).trimEnd();
    const top = this.open.at(-1);
    // Up to the next ">", which in a damaged file can be far on: a message quotes the start.
    const shown = name.length > MAX_NAME_SHOWN ? `${name.slice(0, MAX_NAME_SHOWN)}...` : name;
    if (top === undefined) return this.fail(lt, `end tag </${shown}> without a start tag`);
    if (top.name !== name) return this.fail(lt, `mismatched end tag </${shown}>: <${top.name}> opened at ${top.at.line}:${top.at.column} is still open`);
    this.open.pop();
    this.events.end(name, this.position(lt));
    if (this.open.length === 0) this.rootClosed = true;
    return gt + 1;
  }

  private startTag(lt: number): number {
    const s = this.buf;
    if (!isNameStart(s.charCodeAt(lt + 1))) return this.fail(lt, 'a "<" that starts no element (write < as &lt;)');
    // The tag's end: the first ">" outside quoted values.
    let i = lt + 1;
    let quote = 0;
    for (;;) {
      if (quote !== 0) {
        const q = s.indexOf(quote === 34 ? '"' : "'", i);
        if (q === -1) {
          i = s.length;
          break;
        }
        quote = 0;
        i = q + 1;
        continue;
      }
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) break;
      if (c === 62 /* > */) break;
      if (c === 34 || c === 39) quote = c;
      i++;
    }
    if (i >= s.length) {
      if (s.length - lt > this.limits.maxTagChars) {
        const at = this.position(lt);
        const name = /^<([^\s/>]*)/.exec(s.slice(lt, lt + 100))?.[1] ?? '';
        throw new LimitExceededError(this.file, 'maxTagChars', `the start tag <${name}> at ${at.line}:${at.column} holds more than ${formatSize(this.limits.maxTagChars)} of text`, formatSize(this.limits.maxTagChars));
      }
      return this.more(lt);
    }
    const gt = i;
    const selfClosing = s.charCodeAt(gt - 1) === 47; /* / */
    let e = lt + 1;
    while (isNameChar(s.charCodeAt(e))) e++;
    const name = s.slice(lt + 1, e);
    const at = this.position(lt);
    if (this.rootClosed) return this.fail(lt, `<${name}> after the end of the root element`);
    const attrs = this.attributes(e, selfClosing ? gt - 1 : gt, name, at);
    if (gt - lt > this.limits.maxTagChars) {
      throw new LimitExceededError(this.file, 'maxTagChars', `the start tag <${name}> at ${at.line}:${at.column} holds more than ${formatSize(this.limits.maxTagChars)} of text`, formatSize(this.limits.maxTagChars));
    }
    this.rootSeen = true;
    this.open.push({ name, at });
    this.events.start(name, attrs, at, gt - lt);
    if (selfClosing) {
      this.open.pop();
      this.events.end(name, at);
      if (this.open.length === 0) this.rootClosed = true;
    }
    return gt + 1;
  }

  private attributes(from: number, to: number, element: string, tagAt: Position): Attr[] {
    const s = this.buf;
    const attrs: Attr[] = [];
    /**
     * The names so far, once there are more than a message has: looking each new name up in
     * the list was quadratic (10,000 attributes, the limit, took 3-10 s).
     */
    let names: Set<string> | undefined;
    let p = from;
    for (;;) {
      const before = p;
      while (p < to && isSpace(s.charCodeAt(p))) p++;
      if (p >= to) return attrs;
      if (p === before) this.fail(p, `attributes of <${element}> must be separated by white space`);
      let e = p;
      if (!isNameStart(s.charCodeAt(e))) this.fail(p, `unexpected ${JSON.stringify(s[p])} in the start tag <${element}>`);
      while (e < to && isNameChar(s.charCodeAt(e))) e++;
      const name = s.slice(p, e);
      p = e;
      while (p < to && isSpace(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) !== 61 /* = */) this.fail(p, `attribute ${name} of <${element}> has no value`);
      p++;
      while (p < to && isSpace(s.charCodeAt(p))) p++;
      const q = s[p];
      if (q !== '"' && q !== "'") this.fail(p, `the value of ${name} is not in quotes`);
      const close = s.indexOf(q, p + 1);
      if (close === -1 || close >= to) this.fail(p, `the value of ${name} never ends`);
      const raw = s.slice(p + 1, close);
      if (raw.includes('<')) this.fail(p + 1 + raw.indexOf('<'), `"<" in the value of ${name} (write it as &lt;)`);
      if (names === undefined ? attrs.some((a) => a[0] === name) : names.has(name)) this.fail(p, `attribute ${name} appears twice in <${element}>`);
      if (attrs.length >= this.limits.maxAttributes) {
        throw new LimitExceededError(this.file, 'maxAttributes', `the start tag <${element}> at ${tagAt.line}:${tagAt.column} has more than ${this.limits.maxAttributes} attributes`, String(this.limits.maxAttributes));
      }
      // XML's attribute-value normalisation: a literal line break or tab is a space (a
      // reference to one, &#10;, stays what it says).
      let value = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw;
      if (value.includes('&')) {
        try {
          value = decodeEntities(value, (code, offset, message) => {
            this.events.warning(code, message, this.position(p + 1 + offset));
          });
        } catch (err) {
          if (err instanceof EntityError) this.fail(p + 1 + err.offset, err.message);
          throw err;
        }
      }
      attrs.push([name, value]);
      if (names !== undefined) names.add(name);
      else if (attrs.length > FEW_ATTRS) names = new Set(attrs.map((a) => a[0]));
      p = close + 1;
    }
  }

  private cdata(lt: number): number {
    const s = this.buf;
    const close = s.indexOf(']]>', lt + 9);
    if (close === -1) return this.tooLongOrMore(lt, 'a CDATA section');
    if (this.open.length === 0) return this.fail(lt, 'a CDATA section outside the root element');
    let text = s.slice(lt + 9, close);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    this.events.text(text, this.position(lt));
    return close + 3;
  }

  private skip(lt: number, terminator: string, what: string): number {
    const close = this.buf.indexOf(terminator, lt + 2);
    if (close === -1) return this.tooLongOrMore(lt, what);
    return close + terminator.length;
  }

  private tooLongOrMore(lt: number, what: string): number {
    if (this.buf.length - lt > this.limits.maxTagChars) {
      const at = this.position(lt);
      throw new LimitExceededError(this.file, 'maxTagChars', `${what} at ${at.line}:${at.column} is longer than ${formatSize(this.limits.maxTagChars)}`, formatSize(this.limits.maxTagChars));
    }
    return this.more(lt);
  }

  private more(at: number): number {
    if (!this.eof) return NEED_MORE;
    const top = this.open.at(-1);
    return this.fail(at, `truncated file: it ends inside a tag${top === undefined ? '' : ` in <${top.name}> (${top.at.line}:${top.at.column})`} (use --salvage to keep the records before the end)`);
  }

  private fail(at: number, reason: string): never {
    const pos = this.position(at);
    throw new MalformedBackupError(this.file, pos.line, pos.column, reason);
  }

  /** Line and column (1-based, UTF-16 units) of buf[at]; `at` never goes backwards between drops. */
  private position(at: number): Position {
    const s = this.buf;
    const lines = this.lines;
    lines.countTo(s, at);
    if (at < lines.lineStart) {
      // Asked for a position before the last line break counted (a tag's start after its end).
      const before = s.lastIndexOf('\n', at - 1);
      let line = lines.line;
      for (let i = s.indexOf('\n', at); i !== -1 && i < lines.lineStart; i = s.indexOf('\n', i + 1)) line--;
      return { line, column: at - (before + 1) + 1 };
    }
    return { line: lines.line, column: at - lines.lineStart + 1 };
  }

  /** Forgets buf[0, p). */
  private drop(p: number): void {
    if (p === 0) return;
    this.lines.drop(this.buf, p);
    this.buf = this.buf.slice(p);
  }
}

/**
 * Where text ending at a chunk's end may be consumed up to: references at its very end (the last
 * may be cut; a surrogate pair must be decoded together) wait for the next chunk.
 */
function heldReferences(s: string, from: number, to: number): number {
  let h = to;
  for (;;) {
    const a = s.lastIndexOf('&', h - 1);
    if (a < from || to - a > MAX_HELD_REFERENCES) return h;
    const ref = s.slice(a, h);
    const whole = h === to ? /^&#?[0-9A-Za-z]*;?$/.test(ref) : /^&#?[0-9A-Za-z]*;$/.test(ref);
    if (!whole) return h;
    h = a;
  }
}

function describeNonXml(head: string): string {
  if (head.startsWith('PK\u0003\u0004')) return 'it is a ZIP archive (unzip it first)';
  if (head.startsWith('{') || head.startsWith('[')) return 'file does not start with XML (it looks like JSON)';
  return 'file does not start with XML';
}
