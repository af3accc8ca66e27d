/**
 * A lenient, pull-based streaming tar reader for the payload of Android backups.
 *
 * Why not tar-stream (the well-kept streaming parser): it refuses a header whose checksum does
 * not add up and an archive that ends without its two zero blocks, and both occur in the files
 * people hold: Helium writes its tar with its own code, slightly off the standard, and `adb
 * backup` files are often cut off after the last entry. It would also be a new dependency for
 * ~250 lines. This reader accepts what can still be read without guessing: a header with a wrong
 * checksum whose fields parse (a warning), old-GNU/v7/ustar/pax headers, GNU long names, lone
 * zero blocks, a missing end marker at a block boundary; it refuses a block that is no header
 * at all and an entry cut off mid-way. Bodies are streamed: an entry the caller does not read is
 * skipped without being held, so a multi-GB `shared/` section costs no memory.
 * test/formats/androidbackup/tar.test.ts checks it against GNU tar and tar-stream.
 *
 * Nothing here touches the file system: entries are names and bytes, never paths to write.
 */

const BLOCK = 512;
/** A pax header or GNU long name larger than this is no real one: skipped, not held. */
const MAX_META_BYTES = 1 << 20;
/** tar sizes are below 2^53 in any file a phone writes; larger base-256 values are damage. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export interface TarEntry {
  /** The entry's name as the archive gives it (pax path / GNU long name / ustar prefix + name). */
  name: string;
  /** The type flag: '0' (or '\0') file, '5' folder, '2' symlink... */
  type: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Byte offset of the entry's header in the tar stream. */
  offset: number;
  /** The body's bytes; read it (at most once) before asking for the next entry, or it is skipped. */
  body(): AsyncIterable<Buffer>;
}

export type TarWarn = (message: string, offset: number) => void;

/** The tar stream is damaged: a block that is no header, or an entry cut off. */
export class TarDamageError extends Error {
  override readonly name = 'TarDamageError';
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Pulls exact byte counts from an async iterable of chunks. */
class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private done = false;
  /** Bytes consumed so far. */
  offset = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.chunk.length === 0) {
      if (this.done) return false;
      const next = await this.it.next();
      if (next.done === true) {
        this.done = true;
        return false;
      }
      this.chunk = next.value;
    }
    return true;
  }

  /** Up to `n` bytes as one buffer; fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    if (!(await this.fill())) return Buffer.alloc(0);
    if (this.chunk.length >= n) {
      const out = this.chunk.subarray(0, n);
      this.chunk = this.chunk.subarray(n);
      this.offset += n;
      return out;
    }
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n && (await this.fill())) {
      const take = this.chunk.subarray(0, n - got);
      parts.push(take);
      got += take.length;
      this.chunk = this.chunk.subarray(take.length);
      this.offset += take.length;
    }
    return Buffer.concat(parts, got);
  }

  /** The next `n` bytes as they arrive; stops early at the end of the stream. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0 && (await this.fill())) {
      const take = this.chunk.subarray(0, left);
      this.chunk = this.chunk.subarray(take.length);
      this.offset += take.length;
      left -= take.length;
      yield take;
    }
  }

  /** Skips up to `n` bytes; returns how many were there. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    for await (const c of this.stream(n)) skipped += c.length;
    return skipped;
  }

  /** Reads to the end of the stream (so that its checks, decryption padding and zlib, run). */
  async drain(): Promise<void> {
    while (await this.fill()) {
      this.offset += this.chunk.length;
      this.chunk = Buffer.alloc(0);
    }
  }
}

function isZero(block: Buffer): boolean {
  for (const b of block) if (b !== 0) return false;
  return true;
}

/** A NUL- or space-terminated text field. */
function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** An octal number field (GNU base-256 when the high bit is set); undefined when it is no number. */
export function numeric(block: Buffer, start: number, length: number): number | undefined {
  const field = block.subarray(start, start + length);
  const first = field[0] ?? 0;
  if ((first & 0x80) !== 0) {
    if ((first & 0x40) !== 0) return undefined; // negative
    let n = first & 0x3f;
    for (let i = 1; i < field.length; i++) {
      n = n * 256 + (field[i] ?? 0);
      if (n > MAX_SIZE) return undefined;
    }
    return n;
  }
  const s = field.toString('latin1').replace(/\0[\s\S]*$/, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return undefined;
  const n = parseInt(s, 8);
  return n <= MAX_SIZE ? n : undefined;
}

/** The sum of the header's bytes with the checksum field as spaces, unsigned and signed. */
function checksums(block: Buffer): [number, number] {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += b;
    signed += b >= 0x80 ? b - 256 : b;
  }
  return [unsigned, signed];
}

/** pax extended-header records: `<len> <key>=<value>\n`. */
function paxRecords(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const len = Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > body.length) break;
    const record = body.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * The entries of a tar stream, in order. The caller reads an entry's body (or not) before
 * asking for the next one; the rest of the body and its padding are skipped then.
 */
export async function* tarEntries(source: AsyncIterable<Buffer>, warn: TarWarn): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source);
  let zeros = 0;
  let longName: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    const offset = r.offset;
    const block = await r.read(BLOCK);
    if (block.length === 0) {
      // Lenient: Helium and cut-off `adb backup` files end without the two zero blocks.
      if (zeros === 0 && offset > 0) warn('the archive ends without its end marker', offset);
      return;
    }
    if (block.length < BLOCK) throw new TarDamageError(offset, `the archive is cut off inside a header (${block.length} of ${BLOCK} bytes)`);
    if (isZero(block)) {
      zeros++;
      if (zeros === 2) {
        await r.drain();
        return;
      }
      continue;
    }
    if (zeros > 0) warn('a lone zero block inside the archive; reading on', offset - BLOCK);
    zeros = 0;

    const size = numeric(block, 124, 12);
    const stored = numeric(block, 148, 8);
    const [unsigned, signed] = checksums(block);
    const checksumOk = stored !== undefined && (stored === unsigned || stored === signed);
    const rawName = text(block, 0, 100);
    if (size === undefined || rawName === '') {
      throw new TarDamageError(offset, checksumOk ? 'a header without a name or size' : 'a block that is no tar header (the archive is damaged)');
    }
    if (!checksumOk) warn(`header of ${JSON.stringify(rawName.slice(0, 100))} has a wrong checksum; read anyway`, offset);
    const type = String.fromCharCode(block[156] ?? 0);
    const magic = block.subarray(257, 263).toString('latin1');
    // The prefix field exists in POSIX ustar only; old GNU headers keep other data there.
    const prefix = magic === 'ustar\0' ? text(block, 345, 155) : '';
    const mtime = numeric(block, 136, 12) ?? 0;

    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      let meta: Buffer | undefined;
      if (size <= MAX_META_BYTES) {
        meta = await r.read(size);
        if (meta.length < size) throw new TarDamageError(offset, 'the archive is cut off inside an extended header');
      } else {
        warn(`an extended header of ${size} bytes; ignored`, offset);
        if ((await r.skip(size)) < size) throw new TarDamageError(offset, 'the archive is cut off inside an extended header');
      }
      if ((await r.skip(padding(size))) < padding(size)) throw new TarDamageError(offset, 'the archive is cut off after an extended header');
      if (meta !== undefined) {
        if (type === 'x') pax = paxRecords(meta);
        else if (type === 'L') longName = meta.toString('utf8').replace(/\0[\s\S]*$/, '');
        // 'g' (global pax) and 'K' (long link name) say nothing about the names we read.
      }
      continue;
    }

    const paxSize = pax.get('size');
    const bodySize = paxSize !== undefined && /^\d+$/.test(paxSize) && Number(paxSize) <= MAX_SIZE ? Number(paxSize) : size;
    const name = pax.get('path') ?? longName ?? (prefix !== '' ? `${prefix}/${rawName}` : rawName);
    pax = new Map();
    longName = undefined;
    // Only regular files (and old-style contiguous ones) carry a body that counts.
    const hasBody = type === '0' || type === '\0' || type === '7';
    // Whatever the type, the size field says how many bytes follow the header.
    let left = bodySize;
    let used = false;
    yield {
      name,
      type,
      size: hasBody ? bodySize : 0,
      mtime,
      offset,
      body: () => {
        if (used) throw new Error('a tar entry body read twice');
        used = true;
        return (async function* () {
          if (!hasBody) return;
          for await (const c of r.stream(left)) {
            left -= c.length;
            yield c;
          }
          if (left > 0) throw new TarDamageError(offset, `the archive is cut off inside ${JSON.stringify(name)} (${left} bytes missing)`);
        })();
      },
    };
    const skipped = await r.skip(left);
    if (skipped < left) throw new TarDamageError(offset, `the archive is cut off inside ${JSON.stringify(name)} (${left - skipped} bytes missing)`);
    left = 0;
    const pad = padding(bodySize);
    if ((await r.skip(pad)) < pad) {
      // The padding of the last entry is all that is missing: nothing of any entry is lost.
      warn('the archive ends inside the padding of its last entry', r.offset);
      return;
    }
  }
}

/**
 * The entry's name as a safe relative path (`a/b/c`), or undefined when it is absolute or climbs
 * out of the archive (`..`), contains NUL or backslashes: such an entry is never used.
 */
export function safeEntryPath(name: string): string | undefined {
  if (name.includes('\0') || name.includes('\\') || name.startsWith('/')) return undefined;
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  return segments.join('/');
}
