/**
 * The wrappers a backup comes in, written by hand rather than with a library so the fuzzer can
 * put in them what a careful writer refuses to: `..` and absolute entry names, lying sizes.
 */
import { crc32, deflateRawSync, deflateSync, gzipSync, inflateSync } from 'node:zlib';
import yauzl from 'yauzl';

export interface Entry {
  name: string;
  data: Buffer;
}

/**
 * A seed or an input before it is written: its plain content and the container around it.
 * `ab` holds the tar (the Android backup header and deflate are added on encoding).
 */
export type Container = 'plain' | 'gzip' | 'zip' | 'ab';

export interface Packed {
  container: Container;
  /** One entry for plain, gzip and ab; every file for a zip. */
  entries: Entry[];
}

export interface ZipOptions {
  /** Stored (0) or deflated (8, the default). */
  method?: 0 | 8;
  /** The uncompressed size the headers claim, instead of the real one (a lying header). */
  claimedSize?: number;
}

export function zipOf(entries: Entry[], opts: ZipOptions = {}): Buffer {
  const method = opts.method ?? 8;
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const size = opts.claimedSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size >>> 0, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}

const AB_HEADER = Buffer.from('ANDROID BACKUP\n5\n1\nnone\n', 'latin1');

export function abOfTar(tar: Buffer): Buffer {
  return Buffer.concat([AB_HEADER, deflateSync(tar)]);
}

/** The tar inside an unencrypted, compressed .ab file. */
export function tarOfAb(ab: Buffer): Buffer {
  return inflateSync(ab.subarray(AB_HEADER.length));
}

export function encode(p: Packed): Buffer {
  const first = p.entries[0];
  if (first === undefined) throw new Error('a packed input without entries');
  switch (p.container) {
    case 'plain':
      return first.data;
    case 'gzip':
      return gzipSync(first.data);
    case 'zip':
      return zipOf(p.entries);
    case 'ab':
      return abOfTar(first.data);
  }
}

/** A ustar header for `name` claiming `size` bytes (the checksum made right). */
export function tarHeader(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0').slice(-11) + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** A tar of whole entries, each padded to 512 bytes, with the end marker. */
export function tarOfEntries(entries: Entry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    out.push(tarHeader(e.name, e.data.length), e.data, Buffer.alloc((512 - (e.data.length % 512)) % 512));
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

/** The entries of a tar made by tarOfEntries or Android (plain ustar, no pax), for re-wrapping. */
export function entriesOfTar(tar: Buffer): Entry[] {
  const out: Entry[] = [];
  let at = 0;
  while (at + 512 <= tar.length) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const size = parseInt(h.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 48);
    at += 512;
    if (type === '0' || type === '\0') out.push({ name, data: Buffer.from(tar.subarray(at, at + size)) });
    at += Math.ceil(size / 512) * 512;
  }
  return out;
}

/** The entries of a ZIP (one the vault wrote, to mutate inside and zip again; or an input). */
export async function unzip(data: Buffer): Promise<Entry[]> {
  const { entries } = await readZip(data);
  return entries;
}

/**
 * The entries before the first one `until` accepts, without reading that entry or any after it
 * (they may be damaged); undefined when it accepts none.
 */
export async function unzipBefore(data: Buffer, until: (name: string) => boolean): Promise<Entry[] | undefined> {
  const { entries, stopped } = await readZip(data, until);
  return stopped ? entries : undefined;
}

async function readZip(data: Buffer, until?: (name: string) => boolean): Promise<{ entries: Entry[]; stopped: boolean }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (err, z) => {
      if (err) reject(err);
      else resolve(z);
    });
  });
  const out: Entry[] = [];
  let stopped = false;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (until?.(entry.fileName) === true) {
        stopped = true;
        zip.close();
        resolve();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) { reject(err); return; }
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', () => { resolve(); });
    zip.on('error', reject);
    zip.readEntry();
  });
  return { entries: out, stopped };
}
