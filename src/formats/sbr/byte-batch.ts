/**
 * Output bytes collected for the sink, written straight into buffers.
 *
 * Why bytes and not a string: the obvious writer concatenates strings and lets the sink encode
 * them, but a batch is then a rope of dozens of V8 strings per record, and flattening it before
 * encoding cost more than the rest of the writer together. Copying printable ASCII values byte
 * by byte, which also finds the characters that need escaping, made writing SMS 1.5 to 1.7
 * times faster (measured on 200,000 SMS written to a file).
 */

/** Printable ASCII that an attribute value can hold as it is (not `"`, `&`, `<`, `>`). */
const PLAIN = new Uint8Array(128);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = 1;
for (const c of '"&<>') PLAIN[c.charCodeAt(0)] = 0;

/** Longer values are checked by a regular expression and encoded natively, which is faster. */
const SHORT_VALUE = 64;
/** Text this long becomes a buffer of its own instead of a huge batch buffer. */
const OWN_BUFFER_CHARS = 16 * 1024;

export class ByteBatch {
  private readonly sealed: Buffer[] = [];
  private sealedBytes = 0;
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  get byteLength(): number {
    return this.sealedBytes + this.pos;
  }

  /** Text known to be ASCII: the markup around values. */
  ascii(text: string): void {
    this.room(text.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  bytes(src: Uint8Array, from: number): void {
    this.room(src.length - from);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = from; i < src.length; i++) buf[pos++] = src[i] ?? 0;
    this.pos = pos;
  }

  /**
   * Writes a short value made only of PLAIN characters and returns true; for any other value
   * writes nothing and returns false.
   */
  plainValue(value: string): boolean {
    const length = value.length;
    if (length > SHORT_VALUE) return false;
    this.room(length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80 || PLAIN[c] === 0) return false;
      buf[pos++] = c;
    }
    this.pos = pos;
    return true;
  }

  /** Any text, as UTF-8 (it holds no lone surrogates: escapeValue replaced them). */
  text(text: string): void {
    if (text.length > OWN_BUFFER_CHARS) {
      this.seal();
      this.push(Buffer.from(text, 'utf8'));
      return;
    }
    this.room(3 * text.length);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Text known to be Latin-1 with one byte per character (base64). */
  latin1(text: string): void {
    if (text.length > OWN_BUFFER_CHARS) {
      this.seal();
      this.push(Buffer.from(text, 'latin1'));
      return;
    }
    this.room(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** Everything written since the last take, in order; the batch starts empty again. */
  take(): Buffer[] {
    this.seal();
    const chunks = this.sealed.splice(0);
    this.sealedBytes = 0;
    return chunks;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.seal();
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
  }

  /** Moves the bytes of the current buffer to the sealed list and starts a new buffer. */
  private seal(): void {
    if (this.pos === 0) return;
    this.push(this.buf.subarray(0, this.pos));
    // The sink may still hold the sealed bytes (a write stream queues them): never reuse them.
    this.buf = Buffer.allocUnsafe(this.size);
    this.pos = 0;
  }

  private push(chunk: Buffer): void {
    this.sealed.push(chunk);
    this.sealedBytes += chunk.length;
  }
}
