/**
 * Writes records as SMS Backup & Restore XML the app restores: its prolog, one element per line
 * indented as it indents, every attribute in the record's order with its exact value. Pure and
 * streaming: text goes to a sink in batches, media bytes are pulled from a MediaSource and
 * base64-encoded as they arrive, so neither the file nor one attachment is ever held in memory.
 */
import { createHash } from 'node:crypto';
import type { ArchiveRecord, Attrs, MmsRecord, PartRecord, StoredMedia } from '../records.js';
import { ByteBatch } from './byte-batch.js';
import { escapeValue, isXmlName, specialCharacters } from './xml-escape.js';

/** Where the writer gets the bytes of a part's media (the vault passes its blob store). */
export interface MediaSource {
  /**
   * The bytes of the media with this SHA-256 (the source may reuse a chunk's memory once the
   * next one is asked for). Missing media should fail here or on the first chunk; see
   * SbrWriterOptions.onMediaUnavailable.
   */
  open(sha256: string): AsyncIterable<Uint8Array>;
}

/** A character XML cannot hold, written as U+FFFD. */
export interface ReplacedCharacter {
  /** 0-based index of the record among those written; null for the root element. */
  record: number | null;
  element: string;
  attribute: string;
  /** The UTF-16 code unit that was replaced. */
  code: number;
}

export interface SbrWriterOptions {
  /**
   * Write characters outside the BMP as two references to their UTF-16 surrogates
   * (`&#55357;&#56832;`) like old app versions. Default false: raw UTF-8.
   */
  legacyEmoji?: boolean;
  /**
   * A part's media could not be read: the source failed, or its bytes do not have the recorded
   * size or SHA-256. The message is still written. `writtenBytes` is 0 when the part was written
   * with `data=""`, which is always the case for media up to MEDIA_LOOKAHEAD_BYTES (the writer
   * reads that much before writing any of it). Bigger media stream as they are read; when they
   * fail after that, what was read stays written (a shorter, still valid base64 value) and
   * `writtenBytes` says how much.
   *
   * Without this callback the write rejects with a MediaUnavailableError instead, so that no
   * export loses an attachment without anyone being told.
   */
  onMediaUnavailable?: (sha256: string, error: Error, writtenBytes: number) => void;
  /**
   * A value held a character XML 1.0 cannot represent (a C0 control other than tab, CR and LF,
   * U+FFFE, U+FFFF, a lone surrogate): it was written as U+FFFD. Without this callback the
   * replacement is silent; `replacedCharacters` counts them either way.
   */
  onReplacedCharacter?: (event: ReplacedCharacter) => void;
  /**
   * Check every media's size and SHA-256 while it is written (default true). Hashing costs less
   * than the base64 encoding, and it is what catches a damaged blob before it reaches a phone.
   */
  verifyMedia?: boolean;
}

export interface SbrFileHeader {
  root: 'smses' | 'calls';
  /**
   * The number of records that will be written; end() refuses any other number, as restores are
   * only known to work with a correct count.
   */
  count: number;
  backupSet: string;
  /** Milliseconds since the epoch. */
  backupDate: number;
  /** The root's `type` attribute; the app writes `full`. */
  type?: string;
  /** Further root attributes to keep (from an imported file), written after the standard ones. */
  extraAttrs?: Attrs;
}

/** The writer was used wrongly or given something that cannot be written as XML. */
export class SbrWriteError extends Error {
  override readonly name = 'SbrWriteError';
}

/** A part's media could not be read and no onMediaUnavailable callback was given. */
export class MediaUnavailableError extends Error {
  override readonly name = 'MediaUnavailableError';
  constructor(
    readonly sha256: string,
    override readonly cause: Error,
  ) {
    super(`media ${sha256} could not be read for export: ${cause.message}`);
  }
}

/**
 * Media up to this size are read whole before any of their base64 is written, so that a missing
 * or damaged one can still be written as `data=""`: only bigger ones, rare in MMS, can fail
 * half-written. The price is this much memory while such a media is read.
 */
export const MEDIA_LOOKAHEAD_BYTES = 1024 * 1024;

/** Output goes to the sink in batches of about this many bytes: few sink calls, small buffers. */
const FLUSH_BYTES = 60 * 1024;
const BATCH_BUFFER_BYTES = 64 * 1024;
/** Media bytes base64-encoded at once (a multiple of 3): a 16 KiB string. */
const BASE64_PIECE = 3 * 4 * 1024;

const PROLOG = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n";
const STANDARD_ROOT_ATTRS = new Set(['count', 'backup_set', 'backup_date', 'type']);
/** Names checked once are remembered; a hostile source cannot grow the set past this. */
const MAX_KNOWN_NAMES = 10_000;
const NO_BYTES = Buffer.alloc(0);

type State = 'new' | 'open' | 'ended' | 'failed';

interface KnownName {
  /** `" name="` in UTF-8: closes the previous value and opens this one in a single copy. */
  readonly prefix: Buffer;
  /** The serial of the last element that had this name. */
  stamp: number;
}

/**
 * Call `begin(header)`, `write(record)` for each of the `header.count` records, then `end()`,
 * awaiting each call. The sink receives the file's UTF-8 bytes in order, in buffers it may keep
 * (the writer never touches one again); a promise it returns is awaited, which is how a write
 * stream's backpressure reaches the caller.
 *
 * What a reader-writer round trip does not keep, because records do not hold it: comments,
 * blank lines and the layout inside tags (line breaks between attributes, single quotes,
 * references the value did not need: `&#128516;` comes back as the character itself); base64
 * wrapped over several lines comes back on one; an MMS without `<parts>` gets an empty one; a
 * corrupt `data` too long for `rawData` comes back as the bytes decoded before the damage.
 */
export class SbrXmlWriter {
  private readonly legacyEmoji: boolean;
  /** Matches the values that need escapeValue; the others are written as they are. */
  private readonly special: RegExp;
  private readonly verifyMedia: boolean;
  private readonly onMediaUnavailable: SbrWriterOptions['onMediaUnavailable'];
  private readonly onReplacedCharacter: SbrWriterOptions['onReplacedCharacter'];
  /** The attribute names already checked. */
  private readonly names = new Map<string, KnownName>();
  /** Serial of the element being written, to find a name it repeats. */
  private element = 0;
  /** Output not handed to the sink yet. */
  private readonly out = new ByteBatch(BATCH_BUFFER_BYTES);
  private state: State = 'new';
  private busy = false;
  private root: SbrFileHeader['root'] = 'smses';
  private count = 0;
  private written = 0;
  private replaced = 0;
  /** 0-2 bytes of the media being written that wait for the next chunk to make a base64 group. */
  private carry: Buffer = NO_BYTES;
  private emitted = 0;

  constructor(
    private readonly sink: (chunk: Buffer) => Promise<void> | void,
    private readonly media: MediaSource,
    options: SbrWriterOptions = {},
  ) {
    this.legacyEmoji = options.legacyEmoji === true;
    this.special = specialCharacters(this.legacyEmoji);
    this.verifyMedia = options.verifyMedia !== false;
    this.onMediaUnavailable = options.onMediaUnavailable;
    this.onReplacedCharacter = options.onReplacedCharacter;
  }

  /** Records written so far. */
  get recordsWritten(): number {
    return this.written;
  }

  /** Characters written as U+FFFD so far. */
  get replacedCharacters(): number {
    return this.replaced;
  }

  /** Writes the prolog and the root's start tag. */
  async begin(header: SbrFileHeader): Promise<void> {
    await this.step('new', 'begin', async () => {
      checkHeader(header);
      this.root = header.root;
      this.count = header.count;
      const xsl = header.root === 'smses' ? 'sms.xsl' : 'calls.xsl';
      this.out.ascii(`${PROLOG}<?xml-stylesheet type="text/xsl" href="${xsl}"?>\n<${header.root}`);
      this.appendAttributes(
        [
          ['count', String(header.count)],
          ['backup_set', header.backupSet],
          ['backup_date', String(header.backupDate)],
          ['type', header.type ?? 'full'],
          ...(header.extraAttrs ?? []),
        ],
        header.root,
        null,
      );
      this.out.ascii('>\n');
      await this.flush();
      this.state = 'open';
    });
  }

  /** Writes one record; await it before the next (media are written as they are read). */
  async write(record: ArchiveRecord): Promise<void> {
    await this.step('open', 'write', async () => {
      this.checkRecord(record);
      if (record.kind === 'mms') await this.writeMms(record);
      else this.writeElement(record);
      this.written++;
      if (this.out.byteLength >= FLUSH_BYTES) await this.flush();
    });
  }

  /**
   * Writes an SMS or a call at once, without a promise, when no output is due for the sink, and
   * returns true; returns false, having written nothing, for an MMS or when output is due: call
   * write() then. An export of a million SMS spent a good part of its time in promises.
   */
  writeNow(record: ArchiveRecord): boolean {
    if (record.kind === 'mms' || this.out.byteLength >= FLUSH_BYTES) return false;
    this.enter('open', 'writeNow');
    try {
      this.checkRecord(record);
      this.writeElement(record);
      this.written++;
    } catch (error) {
      this.state = 'failed';
      throw error;
    } finally {
      this.busy = false;
    }
    return true;
  }

  private checkRecord(record: ArchiveRecord): void {
    if (this.written === this.count) {
      throw new SbrWriteError(`more records written than the count of ${this.count} given to begin()`);
    }
    if ((record.kind === 'call') !== (this.root === 'calls')) {
      throw new SbrWriteError(`a ${record.kind} record cannot be written into a <${this.root}> file`);
    }
  }

  private writeElement(record: ArchiveRecord & { kind: 'sms' | 'call' }): void {
    this.out.ascii(record.kind === 'sms' ? '  <sms' : '  <call');
    if (record.kind === 'sms' && record.attrText !== undefined && !this.legacyEmoji) this.out.text(record.attrText);
    else this.appendAttributes(record.attrs, record.kind, this.written);
    this.out.ascii(' />\n');
  }

  /** Closes the root element and hands the rest to the sink. */
  async end(): Promise<void> {
    await this.step('open', 'end', async () => {
      if (this.written !== this.count) {
        throw new SbrWriteError(`${this.written} records written where begin() announced ${this.count}; a restore needs the right count`);
      }
      this.out.ascii(`</${this.root}>\n`);
      await this.flush();
      this.state = 'ended';
    });
  }

  /** Runs one public call: checks the call order, and marks the writer failed if it throws. */
  private async step(expected: State, call: string, body: () => Promise<void>): Promise<void> {
    this.enter(expected, call);
    try {
      await body();
    } catch (error) {
      this.state = 'failed';
      throw error;
    } finally {
      this.busy = false;
    }
  }

  private enter(expected: State, call: string): void {
    if (this.busy) throw new SbrWriteError(`${call}() called before the previous call finished; await each call`);
    if (this.state !== expected) {
      const why =
        this.state === 'failed' ? 'an earlier call failed' : this.state === 'new' ? 'begin() was not called' : this.state === 'open' ? 'begin() was already called' : 'end() was already called';
      throw new SbrWriteError(`${call}() not allowed: ${why}`);
    }
    this.busy = true;
  }

  private async writeMms(record: MmsRecord): Promise<void> {
    const index = this.written;
    this.out.ascii('  <mms');
    this.appendAttributes(record.attrs, 'mms', index);
    this.out.ascii('>\n');
    if (record.parts.length === 0) {
      this.out.ascii('    <parts />\n');
    } else {
      this.out.ascii('    <parts>\n');
      for (const part of record.parts) {
        await this.writePart(part, index);
        if (this.out.byteLength >= FLUSH_BYTES) await this.flush();
      }
      this.out.ascii('    </parts>\n');
    }
    // The app writes an element without children as `<name />`; null means the backup had none.
    if (record.addrs !== null) {
      if (record.addrs.length === 0) {
        this.out.ascii('    <addrs />\n');
      } else {
        this.out.ascii('    <addrs>\n');
        for (const addr of record.addrs) {
          this.out.ascii('      <addr');
          this.appendAttributes(addr.attrs, 'addr', index);
          this.out.ascii(' />\n');
        }
        this.out.ascii('    </addrs>\n');
      }
    }
    this.out.ascii('  </mms>\n');
  }

  /**
   * A part's `data` keeps its place among the attributes; its value is `rawData` (a damaged
   * value kept verbatim), else the media's bytes, else the value stored in `attrs`.
   */
  private async writePart(part: PartRecord, index: number): Promise<void> {
    const { rawData, media } = part;
    const attrs = part.attrs;
    let pending = rawData !== undefined || media !== undefined;
    this.element++;
    this.out.ascii('      <part');
    for (const [name, value] of attrs) {
      if (pending && name === 'data') {
        pending = false;
        await this.writeData(rawData, media, index, attrs);
      } else {
        this.attribute(name, value, 'part', index, attrs);
      }
    }
    // Records from formats that keep no placeholder still get their data, last.
    if (pending) await this.writeData(rawData, media, index, attrs);
    this.out.ascii(' />\n');
  }

  private async writeData(rawData: string | undefined, media: StoredMedia | undefined, index: number, attrs: Attrs): Promise<void> {
    if (rawData !== undefined) {
      this.attribute('data', rawData, 'part', index, attrs);
    } else if (media !== undefined) {
      this.out.bytes(this.prefix('data', 'part', this.element, attrs), 1);
      await this.writeMedia(media);
      this.out.ascii('"');
    }
  }

  /** Streams the base64 of a media from the MediaSource; see onMediaUnavailable for failures. */
  private async writeMedia(media: StoredMedia): Promise<void> {
    const hash = this.verifyMedia ? createHash('sha256') : null;
    this.carry = NO_BYTES;
    this.emitted = 0;
    /** The first bytes, held until the media is known to be whole or passes the lookahead. */
    let held: Buffer[] | null = [];
    let heldBytes = 0;
    let total = 0;
    let failure: Error | null = null;
    let iterator: AsyncIterator<Uint8Array> | null = null;
    let exhausted = false;
    try {
      try {
        iterator = this.media.open(media.sha256)[Symbol.asyncIterator]();
      } catch (error) {
        failure = asError(error);
      }
      while (iterator !== null && failure === null) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await iterator.next();
        } catch (error) {
          exhausted = true;
          failure = asError(error);
          break;
        }
        if (step.done === true) {
          exhausted = true;
          break;
        }
        const chunk: unknown = step.value;
        if (!(chunk instanceof Uint8Array)) {
          failure = new Error('the media source yielded something other than bytes');
          break;
        }
        total += chunk.length;
        if (total > media.size) {
          failure = new Error(`it has more than the ${media.size} bytes recorded`);
          break;
        }
        hash?.update(chunk);
        if (held === null) {
          await this.encode(chunk);
        } else {
          // A copy: a source may reuse its buffer for the next chunk.
          held.push(Buffer.from(chunk));
          heldBytes += chunk.length;
          if (heldBytes > MEDIA_LOOKAHEAD_BYTES) {
            const first = held;
            held = null;
            for (const bytes of first) await this.encode(bytes);
          }
        }
      }
      if (failure === null && total !== media.size) failure = new Error(`it has ${total} bytes where ${media.size} were recorded`);
      if (failure === null && hash !== null) {
        const actual = hash.digest('hex');
        if (actual !== media.sha256) failure = new Error(`its bytes hash to ${actual}: the stored copy is damaged`);
      }
      if (failure === null && held !== null) for (const bytes of held) await this.encode(bytes);
      if (failure === null || held === null) this.finishBase64();
    } finally {
      // Releases the source (an open file) when the writer stops reading early.
      if (iterator !== null && !exhausted) await closeQuietly(iterator);
    }
    if (failure !== null) this.mediaUnavailable(media.sha256, failure, held === null ? this.emitted : 0);
  }

  /** Appends the base64 of `bytes` after the carried bytes, keeping a new carry of 0-2 bytes. */
  private async encode(chunk: Uint8Array): Promise<void> {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry.length > 0) {
      const need = 3 - this.carry.length;
      if (bytes.length < need) {
        this.carry = Buffer.concat([this.carry, bytes]);
        return;
      }
      this.out.latin1(Buffer.concat([this.carry, bytes.subarray(0, need)]).toString('base64'));
      this.emitted += 3;
      this.carry = NO_BYTES;
      bytes = bytes.subarray(need);
    }
    const whole = bytes.length - (bytes.length % 3);
    for (let at = 0; at < whole; at += BASE64_PIECE) {
      const end = Math.min(at + BASE64_PIECE, whole);
      this.out.latin1(bytes.toString('base64', at, end));
      this.emitted += end - at;
      if (this.out.byteLength >= FLUSH_BYTES) await this.flush();
    }
    if (whole < bytes.length) this.carry = Buffer.from(bytes.subarray(whole));
  }

  private finishBase64(): void {
    if (this.carry.length > 0) this.out.latin1(this.carry.toString('base64'));
    this.emitted += this.carry.length;
    this.carry = NO_BYTES;
  }

  private mediaUnavailable(sha256: string, error: Error, writtenBytes: number): void {
    if (this.onMediaUnavailable === undefined) throw new MediaUnavailableError(sha256, error);
    this.onMediaUnavailable(sha256, error, writtenBytes);
  }

  /** Writes ` name="value"` for each attribute, in order. */
  private appendAttributes(attrs: Attrs, element: string, record: number | null): void {
    const out = this.out;
    const serial = ++this.element;
    const length = attrs.length;
    for (let i = 0; i < length; i++) {
      // Indexing, not destructuring: this loop runs for every attribute of the file.
      const entry = attrs[i];
      if (entry === undefined) continue;
      out.bytes(this.prefix(entry[0], element, serial, attrs), i === 0 ? 1 : 0);
      if (!out.plainValue(entry[1])) this.escapedValue(entry[1], element, entry[0], record);
    }
    if (length > 0) out.ascii('"');
  }

  /** One attribute of the element `appendAttributes` did not write (a part's, around its data). */
  private attribute(name: string, value: string, element: string, record: number | null, attrs: Attrs): void {
    this.out.bytes(this.prefix(name, element, this.element, attrs), 1);
    if (!this.out.plainValue(value)) this.escapedValue(value, element, name, record);
    this.out.ascii('"');
  }

  /**
   * `" name="` for the next attribute of element `serial`. Refuses what would make the whole file
   * unreadable: a name that is not an XML name, or one the element already has.
   */
  private prefix(name: string, element: string, serial: number, attrs: Attrs): Buffer {
    const known = this.names.get(name);
    if (known !== undefined && known.stamp !== serial) {
      known.stamp = serial;
      return known.prefix;
    }
    // Names past MAX_KNOWN_NAMES are not remembered, so their repeats are searched for.
    if (known !== undefined || attrs.filter((a) => a[0] === name).length > 1) {
      throw new SbrWriteError(`attribute "${name}" appears twice in one <${element}>`);
    }
    if (!isXmlName(name)) throw new SbrWriteError(`attribute name ${JSON.stringify(name)} of <${element}> is not an XML name`);
    const prefix = Buffer.from(`" ${name}="`, 'utf8');
    if (this.names.size < MAX_KNOWN_NAMES) this.names.set(name, { prefix, stamp: serial });
    return prefix;
  }

  private escapedValue(value: string, element: string, attribute: string, record: number | null): void {
    this.out.text(this.special.test(value) ? this.escape(value, element, attribute, record) : value);
  }

  private escape(value: string, element: string, attribute: string, record: number | null): string {
    return escapeValue(value, this.legacyEmoji, (code) => {
      this.replaced++;
      this.onReplacedCharacter?.({ record, element, attribute, code });
    });
  }

  private async flush(): Promise<void> {
    for (const chunk of this.out.take()) await this.sink(chunk);
  }
}

function checkHeader(header: SbrFileHeader): void {
  if (!Number.isSafeInteger(header.count) || header.count < 0) {
    throw new SbrWriteError(`count must be a whole number of records, not ${String(header.count)}`);
  }
  if (!Number.isSafeInteger(header.backupDate)) {
    throw new SbrWriteError(`backupDate must be whole milliseconds since the epoch, not ${String(header.backupDate)}`);
  }
  const seen = new Set<string>();
  for (const [name] of header.extraAttrs ?? []) {
    if (STANDARD_ROOT_ATTRS.has(name) || seen.has(name)) {
      throw new SbrWriteError(`root attribute "${name}" given twice (count, backup_set, backup_date and type come from the header)`);
    }
    seen.add(name);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

async function closeQuietly(iterator: AsyncIterator<Uint8Array>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // The source failing while it is closed changes nothing: its bytes are no longer wanted.
  }
}
