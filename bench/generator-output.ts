/**
 * Output side of the benchmark generator: turning text into ~1 MB Buffers, and producing
 * pseudo-random media as base64 in constant memory.
 */
import { mix32, type Rng } from './generator-random.js';

/** Text is handed out once this many bytes have accumulated... */
const FLUSH_BYTES = 1 << 20;
/** ...in buffers this big, leaving room for the element that crosses the mark. */
const SINK_BYTES = FLUSH_BYTES + (1 << 18);
/** Short strings are first joined into pieces of about this many UTF-16 units (see TextSink). */
const PENDING_UNITS = 4_096;
/**
 * Media is made and encoded in pieces of at most this many bytes (768 KiB, 1 MiB of base64): a
 * multiple of 3 so that the base64 of consecutive pieces concatenates without padding in the
 * middle, and of 4 so pieces can be filled 32 bits at a time.
 */
const MEDIA_CHUNK = 3 * 4 * 65_536;
/** Below this much room left in the current buffer, a media piece starts a new buffer instead. */
const MIN_MEDIA_PIECE = 3 * 16_384;
/** Size in 32-bit words of the random block that media bytes are cut from. */
const BLOCK_WORDS = 1 << 18;

// ---------------------------------------------------------------------------------------------
// Text

/**
 * Accumulates output and hands it out as 1-1.25 MB Buffers: one write per megabyte, not per
 * element, whether the megabyte is short SMS lines or the middle of a video's base64.
 *
 * Text is encoded into a preallocated Buffer in pieces of a few KB: concatenating a whole megabyte
 * first builds rope strings that must be flattened and collected (a third of the run time for a
 * million SMS), while encoding every line separately pays the per-call cost a million times.
 */
export class TextSink {
  private buf = Buffer.allocUnsafe(SINK_BYTES);
  private used = 0;
  private readonly sealed: Buffer[] = [];
  private pending = '';

  add(s: string): void {
    this.pending += s;
    if (this.pending.length >= PENDING_UNITS) this.encodePending();
  }

  private encodePending(): void {
    const s = this.pending;
    if (s.length === 0) return;
    this.pending = '';
    // Three bytes per UTF-16 unit is the UTF-8 worst case, so a string that passes fits for sure.
    if (s.length * 3 > this.buf.length - this.used) {
      this.seal();
      if (s.length * 3 > this.buf.length) {
        this.sealed.push(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  /** How many raw bytes (a multiple of 3) of base64 input fit in the current buffer. */
  base64Room(): number {
    return Math.floor((this.buf.length - this.used) / 4) * 3;
  }

  /**
   * Appends the base64 of `bytes[0, n)`. Callers keep `n` a multiple of 3 except for a part's last
   * piece, and within `base64Room()`, so pieces concatenate into one valid base64 value.
   */
  addBase64(bytes: Buffer, n: number): void {
    this.encodePending();
    const encoded = bytes.toString('base64', 0, n);
    if (encoded.length > this.buf.length - this.used) this.seal();
    if (encoded.length > this.buf.length) {
      this.sealed.push(Buffer.from(encoded, 'latin1'));
      return;
    }
    this.used += this.buf.write(encoded, this.used, 'latin1');
  }

  get full(): boolean {
    return this.sealed.length > 0 || this.used >= FLUSH_BYTES;
  }

  private seal(): void {
    if (this.used === 0) return;
    // The Buffer is handed to the consumer (maybe still being written) so it is never reused.
    this.sealed.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(SINK_BYTES);
    this.used = 0;
  }

  /** Yields everything accumulated so far. */
  *drain(): Generator<Buffer> {
    this.encodePending();
    this.seal();
    for (const b of this.sealed) yield b;
    this.sealed.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Media bytes

export interface MediaKind {
  readonly ct: string;
  readonly ext: string;
  readonly stem: string;
  /** SMIL element and region that show this kind. */
  readonly smil: 'img' | 'video' | 'audio';
  readonly magic: readonly number[];
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

export const MEDIA_KINDS: readonly MediaKind[] = [
  {
    ct: 'image/jpeg',
    ext: 'jpg',
    stem: 'image',
    smil: 'img',
    magic: [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF'), 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x12],
  },
  {
    ct: 'image/png',
    ext: 'png',
    stem: 'image',
    smil: 'img',
    magic: [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, ...ascii('IHDR'), 0x00, 0x00, 0x04, 0x38, 0x00, 0x00, 0x07, 0x80, 0x08, 0x02, 0x00, 0x00, 0x00],
  },
  {
    ct: 'video/mp4',
    ext: 'mp4',
    stem: 'video',
    smil: 'video',
    magic: [0x00, 0x00, 0x00, 0x18, ...ascii('ftypmp42'), 0x00, 0x00, 0x00, 0x00, ...ascii('isommp42'), 0x00, 0x00, 0x00, 0x18, ...ascii('free')],
  },
  { ct: 'audio/amr', ext: 'amr', stem: 'audio', smil: 'audio', magic: ascii('#!AMR\n') },
];
export const MEDIA_WEIGHTS = [60, 15, 15, 10];
export const VIDEO_KIND = MEDIA_KINDS[2] ?? { ct: 'video/mp4', ext: 'mp4', stem: 'video', smil: 'video', magic: [] };

/**
 * Produces pseudo-random media bytes as base64, in constant memory and fast.
 *
 * Running the PRNG for every byte would cap output near 100 MB/s, so one random block is made up
 * front and every part is cut from it: each piece starts at a different offset and is XORed with
 * its own 32-bit key, and each part starts with its format's magic bytes plus a unique part id.
 * So every part has a distinct hash (content dedup cannot collapse them) and repeated pieces do
 * not line up for a compressor, which keeps the data about as incompressible as real JPEG/MP4.
 */
export class MediaSource {
  /** The block plus one piece of overhang, so a piece starting anywhere in the block is contiguous. */
  private readonly block = new Uint32Array(BLOCK_WORDS + MEDIA_CHUNK / 4);
  private readonly scratch = new ArrayBuffer(MEDIA_CHUNK);
  private readonly scratchWords = new Uint32Array(this.scratch);
  private readonly scratchBytes = Buffer.from(this.scratch);
  private nextPartId = 1;

  constructor(
    private readonly rng: Rng,
    private readonly seed: number,
  ) {
    for (let i = 0; i < this.block.length; i++) this.block[i] = rng.u32();
  }

  /**
   * Appends the base64 of a `bytes`-long part of the given kind to `sink`, yielding the sink's
   * Buffers whenever a megabyte is ready, so memory stays flat whatever the part's size.
   */
  *write(sink: TextSink, kind: MediaKind, bytes: number): Generator<Buffer> {
    const partId = this.nextPartId++;
    let offset = this.rng.int(BLOCK_WORDS);
    let remaining = bytes;
    for (let piece = 0; remaining > 0; piece++) {
      let room = sink.base64Room();
      if (room < MIN_MEDIA_PIECE && room < remaining) {
        yield* sink.drain();
        room = sink.base64Room();
      }
      const n = Math.min(MEDIA_CHUNK, room, remaining);
      const words = Math.ceil(n / 4);
      const key = mix32(Math.imul(partId, 0x9e3779b1) + piece) | 1;
      const src = this.block;
      const dst = this.scratchWords;
      for (let i = 0; i < words; i++) dst[i] = (src[offset + i] ?? 0) ^ key;
      if (piece === 0) this.writeHeader(kind, partId, n);
      sink.addBase64(this.scratchBytes, n);
      remaining -= n;
      // An odd stride that is not a divisor of the block keeps piece offsets from repeating soon.
      offset = (offset + 40_503) % BLOCK_WORDS;
      if (sink.full) yield* sink.drain();
    }
  }

  private writeHeader(kind: MediaKind, partId: number, limit: number): void {
    const header = Buffer.alloc(kind.magic.length + 16);
    header.set(kind.magic, 0);
    const idAt = kind.magic.length;
    header.write('TVBENCH', idAt, 'latin1');
    header.writeUInt32BE(partId >>> 0, idAt + 8);
    header.writeUInt32BE(this.seed >>> 0, idAt + 12);
    header.copy(this.scratchBytes, 0, 0, Math.min(limit, header.length));
  }
}
