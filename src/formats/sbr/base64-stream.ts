import {
  MAX_RAW_DAMAGED_DATA,
  type MediaDamage,
  type MediaSink,
  type MediaWriter,
  type StoredMedia,
} from '../records.js';

/** What a `data` attribute turned into. */
export interface DecodedMedia {
  media?: StoredMedia;
  damage?: MediaDamage;
  /** The value as it was, for a damaged value of at most MAX_RAW_DAMAGED_DATA characters. */
  rawData?: string;
}

const NOT_BASE64 = /[^A-Za-z0-9+/]/;
const SPACES = /[\t\n\r ]+/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Text decoded at once: big writes, bounded memory. */
const BLOCK = 256 * 1024;
/**
 * Where clean base64 is decoded: the writer takes its bytes at once (MediaWriter.write may not
 * keep them), so one buffer serves every slice instead of a new one each (a copy of all media
 * bytes, for the collector).
 */
const SCRATCH = Buffer.allocUnsafe(((BLOCK + 64 * 1024) * 3) / 4);
/** A slice at least this long is decoded by itself when it is clean base64 (see decodeDirect). */
const DIRECT = 4096;

/**
 * Decodes the base64 of a `data` attribute as its text arrives, slice by slice, into a
 * MediaWriter, so that a value of hundreds of MB never exists as one string. The slices are the
 * attribute's text with references already replaced; whitespace in it is skipped.
 *
 * Damage: any character outside the base64 alphabet, `=` anywhere but at the end, or a length
 * that cannot be base64 make the value `corrupt`; the bytes decoded before the first bad
 * character are still stored. A value without any base64 character is `empty`.
 */
export class Base64Stream {
  private writer: MediaWriter | null = null;
  /** Text not decoded yet. */
  private carry = '';
  /** Base64 characters decoded, padding included. */
  private length = 0;
  private padding = 0;
  private corrupt = false;
  /** The value's text while it is short enough to be kept for a damaged value. */
  private raw: string[] | null = [];
  private rawLength = 0;

  constructor(private readonly sink: MediaSink) {}

  write(text: string): void {
    this.keepRaw(text);
    if (this.corrupt) return;
    if (text.length >= DIRECT && this.carry.length < 4 && this.padding === 0) {
      this.decodeDirect(text);
      return;
    }
    this.append(text);
  }

  private append(text: string): void {
    this.carry += text;
    if (this.carry.length >= BLOCK) this.decodeCarry(false);
  }

  /**
   * Decodes a long slice where it lies: the carry's group completed by the slice's first
   * characters, then the slice's whole groups. Gathering slices into a block first copied every
   * byte of media once more, into strings big enough to count as old objects: a fifth of an MMS
   * import's time went to collecting them.
   */
  private decodeDirect(text: string): void {
    const need = (4 - this.carry.length) % 4;
    if (need > 0 && !this.decodeIfClean(this.carry + text.slice(0, need), false)) {
      this.append(text);
      return;
    }
    const rest = need > 0 ? text.slice(need) : text;
    if (!this.decodeIfClean(rest, false)) this.append(rest);
  }

  finish(): DecodedMedia {
    if (!this.corrupt) {
      this.decodeCarry(true);
      if (this.length % 4 === 1 || (this.padding > 0 && this.length % 4 !== 0)) this.corrupt = true;
    }
    const writer = this.writer;
    this.writer = null;
    const result: DecodedMedia = {};
    if (writer !== null) result.media = writer.finish();
    if (this.corrupt || this.length === 0) {
      result.damage = this.corrupt ? 'corrupt' : 'empty';
      // A reference to a lone surrogate could only be kept as U+FFFD by any writer.
      if (this.raw !== null) result.rawData = this.raw.join('').replace(LONE_SURROGATE, '\uFFFD');
    }
    return result;
  }

  /** Discards what was written (the record is being dropped). */
  abort(): void {
    const writer = this.writer;
    this.writer = null;
    writer?.abort();
  }

  /** Decodes the carry (all of it when `final`, else whole groups of 4). */
  private decodeCarry(final: boolean): void {
    // Validating with a regex would cost 20 times the decoding: clean base64 is told by the
    // length of what it decodes to, and only the rest is looked at closely.
    if (this.decodeIfClean(this.carry, final)) return;
    const text = this.carry.replace(SPACES, '');
    if (!this.decodeIfClean(text, final)) this.decodeSlowly(text, final);
  }

  /**
   * Decodes `text` when it is nothing but base64 data (and, when final, padding); returns false,
   * doing nothing, if not.
   */
  private decodeIfClean(text: string, final: boolean): boolean {
    const n = final ? text.length : text.length - (text.length % 4);
    if (this.padding > 0 && n > 0) return false;
    let pads = 0;
    while (final && pads < 2 && text.charCodeAt(n - 1 - pads) === 61 /* = */) pads++;
    const data = n - pads;
    if (data % 4 === 1 || (pads > 0 && n % 4 !== 0)) return false;
    const chars = text.slice(0, data);
    const expected = Math.floor((data * 3) / 4);
    const bytes = expected <= SCRATCH.length ? SCRATCH.subarray(0, SCRATCH.write(chars, 0, 'base64')) : Buffer.from(chars, 'base64');
    // Node skips what is not base64, so anything else decodes to fewer bytes (a length of 4k+1
    // excepted, hence the test above); it reads the URL-safe alphabet too, which backups never use.
    if (bytes.length !== expected || chars.includes('-') || chars.includes('_')) return false;
    this.store(bytes);
    this.length += n;
    this.padding += pads;
    this.carry = text.slice(n);
    return true;
  }

  /** `text` has no whitespace but padding, damage, or (when final) an incomplete group. */
  private decodeSlowly(text: string, final: boolean): void {
    const bad = text.search(NOT_BASE64);
    const data = bad === -1 ? text : text.slice(0, bad);
    if (this.padding > 0 && data.length > 0) {
      this.corrupt = true;
      this.carry = '';
      return;
    }
    if (bad === -1) {
      // Not final, clean text is whole groups, which decodeIfClean takes; final: an unpadded end.
      if (!final) return;
      this.store(Buffer.from(data, 'base64'));
      this.length += data.length;
      this.carry = '';
      return;
    }
    // Everything up to the first special character is valid data: store it.
    this.store(Buffer.from(data, 'base64'));
    let end = bad;
    while (text.charCodeAt(end) === 61 /* = */) end++;
    this.padding += end - bad;
    this.length += end;
    this.carry = '';
    if (end < text.length || end === bad || this.padding > 2) this.corrupt = true;
  }

  private store(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.writer ??= this.sink.begin();
    this.writer.write(bytes);
  }

  private keepRaw(text: string): void {
    if (this.raw === null) return;
    this.rawLength += text.length;
    if (this.rawLength > MAX_RAW_DAMAGED_DATA) this.raw = null;
    else this.raw.push(text);
  }
}
