import { NotABackupError } from '../errors.js';
import { ATTRIBUTE_OVERHEAD, DEFAULT_INPUT_LIMITS, ELEMENT_OVERHEAD, formatSize, LimitExceededError } from '../limits.js';
import {
  attr,
  type AddrRecord,
  type Attr,
  type MediaSink,
  type PartRecord,
  type RecordHandler,
  type ReadWarning,
  type SourcePosition,
} from '../records.js';
import { attributeTextOfTag } from './attribute-text.js';
import { Base64Stream } from './base64-stream.js';
import type { ScanHandler } from './scanner-types.js';

/** Where an element sits in a backup; childContext says which children each one admits. */
const enum Ctx {
  Document,
  Messages,
  Calls,
  Sms,
  Mms,
  Call,
  Parts,
  Addrs,
  Part,
  Addr,
}

function childContext(parent: Ctx, name: string): Ctx | undefined {
  switch (parent) {
    case Ctx.Document:
      return name === 'smses' ? Ctx.Messages : name === 'calls' ? Ctx.Calls : undefined;
    case Ctx.Messages:
      return name === 'sms' ? Ctx.Sms : name === 'mms' ? Ctx.Mms : undefined;
    case Ctx.Calls:
      return name === 'call' ? Ctx.Call : undefined;
    case Ctx.Mms:
      return name === 'parts' ? Ctx.Parts : name === 'addrs' ? Ctx.Addrs : undefined;
    case Ctx.Parts:
      return name === 'part' ? Ctx.Part : undefined;
    case Ctx.Addrs:
      return name === 'addr' ? Ctx.Addr : undefined;
    default:
      return undefined;
  }
}

interface Pending {
  attrs: Attr[];
  line: number;
  column: number;
  /** SmsRecord.attrText, when the tag was written as that text. */
  attrText?: string;
}

interface PendingMms extends Pending {
  parts: PartRecord[];
  addrs: AddrRecord[] | null;
}

interface PendingPart extends Pending {
  record: PartRecord;
}

/** Turns scanner events into SMS Backup & Restore records. */
export class RecordBuilder implements ScanHandler {
  private readonly path: Ctx[] = [];
  private readonly names: string[] = [];
  /** Depth inside an element being skipped (0: not skipping). */
  private skipping = 0;
  private rootAttrs: Attr[] = [];
  private creator: string | undefined;
  private headerSent = false;
  private record: Pending = { attrs: [], line: 0, column: 0 };
  private mms: PendingMms | null = null;
  private part: PendingPart | null = null;
  private media: Base64Stream | null = null;
  private readonly counts = { sms: 0, mms: 0, call: 0 };
  /** What the record being built holds in memory so far (see InputLimits.maxRecordChars). */
  private recordChars = 0;

  constructor(
    private readonly file: string,
    private readonly sink: MediaSink,
    private readonly out: RecordHandler,
    private readonly maxRecordChars = DEFAULT_INPUT_LIMITS.maxRecordChars,
  ) {}

  startTag(name: string, line: number, column: number): Attr[] | null {
    if (this.skipping > 0) {
      this.skipping++;
      return null;
    }
    const parent = this.path.at(-1) ?? Ctx.Document;
    const ctx = childContext(parent, name);
    if (ctx === undefined) {
      if (parent === Ctx.Document) {
        throw new NotABackupError(this.file, `root element is <${name}>, expected <smses> or <calls>`);
      }
      const inside = this.names.at(-1) ?? '';
      this.warning({ code: 'unknown-element', message: `<${name}> inside <${inside}> skipped`, line, column });
      this.skipping = 1;
      return null;
    }
    this.path.push(ctx);
    this.names.push(name);
    return this.open(ctx, line, column);
  }

  /** Starts what `ctx` builds; returns where its attributes go. */
  private open(ctx: Ctx, line: number, column: number): Attr[] | null {
    switch (ctx) {
      case Ctx.Messages:
      case Ctx.Calls:
        return this.rootAttrs;
      case Ctx.Sms:
      case Ctx.Call:
        this.recordChars = 0;
        this.record = { attrs: [], line, column };
        return this.record.attrs;
      case Ctx.Mms:
        this.recordChars = 0;
        this.mms = { attrs: [], parts: [], addrs: null, line, column };
        return this.mms.attrs;
      case Ctx.Addrs:
        if (this.mms !== null) this.mms.addrs ??= [];
        return null;
      case Ctx.Part: {
        const attrs: Attr[] = [];
        this.part = { attrs, line, column, record: { attrs } };
        return attrs;
      }
      case Ctx.Addr: {
        const attrs: Attr[] = [];
        this.mms?.addrs?.push({ attrs });
        return attrs;
      }
      default:
        return null;
    }
  }

  attributeText(raw: string): void {
    if (this.skipping === 0 && this.path.at(-1) === Ctx.Sms) this.record.attrText = attributeTextOfTag(raw);
  }

  /** `data` of a part is streamed to the sink; in skipped elements, to nowhere. */
  streamValue(name: string): boolean {
    return name === 'data' && (this.skipping > 0 || this.path.at(-1) === Ctx.Part);
  }

  valueChunk(text: string): void {
    this.partMedia()?.write(text);
  }

  valueEnd(): void {
    const media = this.partMedia();
    this.media = null;
    if (media !== null && this.part !== null) Object.assign(this.part.record, media.finish());
  }

  /** The decoder of the part's `data` being read, started on its first text (or its end). */
  private partMedia(): Base64Stream | null {
    if (this.media !== null || this.skipping > 0 || this.part === null) return this.media;
    // `data` keeps its place among the attributes, with its content in `media`.
    this.part.attrs.push(['data', '']);
    this.media = new Base64Stream(this.sink);
    return this.media;
  }

  startTagEnd(_selfClosing: boolean, chars: number, attributes: number): void {
    if (this.skipping > 0) return;
    const ctx = this.path.at(-1);
    // Every element from <sms>, <call> or <mms> down belongs to the record being built.
    if (this.path.length >= 2) {
      this.recordChars += chars + ELEMENT_OVERHEAD + attributes * ATTRIBUTE_OVERHEAD;
      if (this.recordChars > this.maxRecordChars) this.recordTooLarge();
    }
    if (ctx === Ctx.Messages || ctx === Ctx.Calls) this.sendHeader(ctx);
    else if (ctx === Ctx.Part && this.part !== null) this.checkMedia(this.part);
  }

  private sendHeader(ctx: Ctx): void {
    this.headerSent = true;
    const content = ctx === Ctx.Calls ? 'calls' : 'messages';
    const creator = this.creator;
    this.out.header(creator === undefined ? { content, rootAttrs: this.rootAttrs } : { content, rootAttrs: this.rootAttrs, creator });
  }

  private checkMedia(part: PendingPart): void {
    const { damage, media } = part.record;
    const at = { line: part.line, column: part.column };
    if (damage === 'corrupt') {
      const kept = media === undefined ? 'nothing could be decoded' : `kept the ${media.size} bytes decoded before the damage`;
      this.warning({ code: 'media-corrupt', message: `<part> data is not valid base64; ${kept}`, ...at });
    } else if (damage === 'empty') {
      const ct = (attr(part.attrs, 'ct') ?? '').toLowerCase();
      if (!ct.startsWith('text/') && ct !== 'application/smil') {
        this.warning({ code: 'media-empty', message: `<part> of type "${ct}" has empty data`, ...at });
      }
    }
  }

  endTag(): void {
    if (this.skipping > 0) {
      this.skipping--;
      return;
    }
    const ctx = this.path.pop();
    this.names.pop();
    switch (ctx) {
      case Ctx.Sms:
        this.out.record({ kind: 'sms', attrs: this.record.attrs, position: this.position(this.record, 'sms') }, this.record.attrText);
        break;
      case Ctx.Call:
        this.out.record({ kind: 'call', attrs: this.record.attrs, position: this.position(this.record, 'call') });
        break;
      case Ctx.Part:
        if (this.part !== null) this.mms?.parts.push(this.part.record);
        this.part = null;
        break;
      case Ctx.Mms:
        if (this.mms !== null) {
          const { attrs, parts, addrs } = this.mms;
          this.out.record({ kind: 'mms', attrs, parts, addrs, position: this.position(this.mms, 'mms') });
        }
        this.mms = null;
        break;
      default:
        break;
    }
  }

  private position(pending: Pending, kind: 'sms' | 'mms' | 'call'): SourcePosition {
    return { line: pending.line, column: pending.column, index: this.counts[kind]++ };
  }

  private recordTooLarge(): never {
    const kind = this.names[1] ?? 'record';
    const start = this.mms ?? this.record;
    throw new LimitExceededError(
      this.file,
      'maxRecordChars',
      `the <${kind}> at ${start.line}:${start.column} holds more than ${formatSize(this.maxRecordChars)} of text (streamed media not counted)`,
      formatSize(this.maxRecordChars),
    );
  }

  creatorComment(text: string): void {
    if (!this.headerSent) this.creator ??= text;
  }

  warning(warning: ReadWarning): void {
    this.out.warning(warning);
  }

  /** Discards the media being written, if any (the read failed). */
  abort(): void {
    const media = this.media;
    this.media = null;
    media?.abort();
  }
}
