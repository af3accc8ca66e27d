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
/** Characters decoded at once (a multiple of 4): big writes, bounded memory. */
const BLOCK = 256 * 1024;

/**
 * Decodes the base64 of a `data` attribute as its text arrives, slice by slice, into a
 * MediaWriter, so that a value of hundreds of MB never exists as one string. The slices are the
 * attribute's text with references already replaced: whitespace in any form is skipped.
 *
 * Damage: any character outside the base64 alphabet, `=` anywhere but at the end, or a length
 * that cannot be base64 make the value `corrupt`; the bytes decoded before the first bad
 * character are still stored. A value without any base64 character is `empty`.
 */
export class Base64Stream {
  private writer: MediaWriter | null = null;
  /** Base64 characters not decoded yet. */
  private carry = '';
  /** Base64 characters seen, padding included. */
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
    let clean = text;
    if (NOT_BASE64.test(clean)) {
      clean = clean.replace(SPACES, '');
      const bad = clean.search(NOT_BASE64);
      if (bad !== -1) {
        this.writeWithSpecial(clean, bad);
        return;
      }
    }
    if (clean.length === 0) return;
    if (this.padding > 0) this.markCorrupt();
    else this.append(clean);
  }

  /** `clean` has no whitespace, and at `bad` a character that is not base64 data. */
  private writeWithSpecial(clean: string, bad: number): void {
    if (this.padding > 0) {
      if (bad > 0) {
        this.markCorrupt();
        return;
      }
    } else {
      this.append(clean.slice(0, bad));
    }
    let end = bad;
    while (clean.charCodeAt(end) === 61 /* = */) end++;
    if (end > bad) {
      this.padding += end - bad;
      this.append(clean.slice(bad, end));
    }
    if (end < clean.length || this.padding > 2) this.markCorrupt();
  }

  private append(chars: string): void {
    this.carry += chars;
    this.length += chars.length;
    if (this.carry.length >= BLOCK) {
      const whole = this.carry.length - (this.carry.length % 4);
      this.emit(this.carry.slice(0, whole));
      this.carry = this.carry.slice(whole);
    }
  }

  private emit(chars: string): void {
    if (chars.length === 0) return;
    const bytes = Buffer.from(chars, 'base64');
    if (bytes.length === 0) return;
    this.writer ??= this.sink.begin();
    this.writer.write(bytes);
  }

  /** Stores what decodes of the valid prefix and ignores the rest of the value. */
  private markCorrupt(): void {
    this.corrupt = true;
    this.emit(this.carry);
    this.carry = '';
  }

  private keepRaw(text: string): void {
    if (this.raw === null) return;
    this.rawLength += text.length;
    if (this.rawLength > MAX_RAW_DAMAGED_DATA) this.raw = null;
    else this.raw.push(text);
  }

  finish(): DecodedMedia {
    if (!this.corrupt) {
      const badLength = this.length % 4 === 1 || (this.padding > 0 && this.length % 4 !== 0);
      if (badLength) this.markCorrupt();
      else this.emit(this.carry);
    }
    this.carry = '';
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
}
