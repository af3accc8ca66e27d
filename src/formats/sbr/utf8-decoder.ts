import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Turns byte chunks into text. A multi-byte character cut by a chunk boundary is held back until
 * the next chunk, so every chunk decodes on its own and nothing is ever split mid-character.
 */
export class Utf8Decoder {
  /** Whether the text last returned had invalid bytes (each replaced with U+FFFD). */
  invalid = false;
  private carry: Buffer | null = null;
  /**
   * Decodes non-ASCII text about twice as fast as Buffer.toString in Node 20 (ICU's converter).
   * It never holds bytes back: it only gets whole characters.
   */
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /**
   * The text of `chunk`, after `prefix`. Joining them as bytes yields a flat string: a
   * concatenated string would stay a rope, and every charCodeAt and indexOf on a rope is slower.
   */
  decode(chunk: Buffer, prefix = ''): string {
    const parts: Buffer[] = [];
    if (prefix !== '') parts.push(Buffer.from(prefix, 'utf8'));
    if (this.carry !== null) parts.push(this.carry);
    const bytes = parts.length === 0 ? chunk : Buffer.concat([...parts, chunk]);
    const cut = completeLength(bytes);
    this.carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : null;
    const whole = cut === bytes.length ? bytes : bytes.subarray(0, cut);
    // Both checks run at memory speed; isUtf8 spares every value a U+FFFD search.
    if (isAscii(whole)) {
      this.invalid = false;
      return whole.toString('latin1');
    }
    this.invalid = !isUtf8(whole);
    return this.decoder.decode(whole, { stream: true });
  }

  /** Whether the last chunk ended inside a character (its bytes wait for the next chunk). */
  get holding(): boolean {
    return this.carry !== null;
  }

  /** The text of bytes still held back at the end of the input (an unfinished character). */
  end(prefix = ''): string {
    const rest = this.carry;
    this.carry = null;
    this.invalid = rest !== null;
    return rest === null ? prefix : prefix + rest.toString('utf8');
  }
}

/** Length of the prefix of `bytes` that ends on a character boundary (it drops at most 3 bytes). */
function completeLength(bytes: Buffer): number {
  const len = bytes.length;
  let i = len - 1;
  while (i >= 0 && i > len - 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  if (i < 0) return len;
  const lead = bytes[i] ?? 0;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return size > len - i ? i : len;
}
