import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ArchiveRecord,
  type Attr,
  type CallRecord,
  type MmsRecord,
  type PartRecord,
  type SmsRecord,
} from '../../../src/formats/records.js';
import {
  MEDIA_LOOKAHEAD_BYTES,
  MediaUnavailableError,
  SbrWriteError,
  SbrXmlWriter,
  type MediaSource,
  type ReplacedCharacter,
  type SbrFileHeader,
} from '../../../src/formats/sbr/writer.js';
import { DEDUP_FIXTURES, SBR_FIXTURES, fixture, seeded, sha256 } from './helpers.js';
import { lacks, programPath, XMLLINT } from '../../helpers/system.js';
import { plain, readWithSaxes } from './normalize.js';
import { content, headerOf, MemoryMedia, once, read, write } from './round-trip.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-sbr-writer-'));
afterAll(() => {
  fs.rmSync(TMP, { recursive: true, force: true });
});

const sms = (attrs: Attr[]): SmsRecord => ({ kind: 'sms', attrs, position: { line: 0, column: 0, index: 0 } });
const call = (attrs: Attr[]): CallRecord => ({ kind: 'call', attrs, position: { line: 0, column: 0, index: 0 } });
const mms = (attrs: Attr[], parts: PartRecord[], addrs: MmsRecord['addrs']): MmsRecord => ({
  kind: 'mms',
  attrs,
  parts,
  addrs,
  position: { line: 0, column: 0, index: 0 },
});
const header = (count: number, root: SbrFileHeader['root'] = 'smses'): SbrFileHeader => ({
  root,
  count,
  backupSet: 'b1a5e7c2-0000-4000-8000-000000000001',
  backupDate: 1721556032311,
});
const NO_MEDIA: MediaSource = {
  open: () => {
    throw new Error('no media expected');
  },
};

const FIXTURES = [
  ...fs.readdirSync(SBR_FIXTURES).map((name) => ({ dir: SBR_FIXTURES, name })),
  ...fs.readdirSync(DEDUP_FIXTURES).map((name) => ({ dir: DEDUP_FIXTURES, name })),
].filter((f) => f.name.endsWith('.xml'));

describe('round trip through the reader', () => {
  it.each(FIXTURES)('$name: the written file reads back as the same records', async ({ dir, name }) => {
    const media = new MemoryMedia();
    const first = await read(fixture(dir, name), media, name);
    // google-messages-truncated.xml is cut short in the middle of an MMS: the records before the cut count.
    if (name !== 'google-messages-truncated.xml') expect(first.error).toBeUndefined();

    const xml = await write(first.records, headerOf(first), media);
    const again = await read(xml, media, name);
    expect(again.error).toBeUndefined();
    expect(content(again.records)).toEqual(content(first.records));
    expect(again.warnings.map((w) => [w.code, w.message])).toEqual(first.warnings.map((w) => [w.code, w.message]));
    if (dir === SBR_FIXTURES) {
      // Only the count changes, and only for the file cut short (it promises 58 records).
      const expected = first.header?.rootAttrs.map(([n, v]): Attr => [n, n === 'count' ? String(first.records.length) : v]);
      expect(again.header?.rootAttrs).toEqual(expected);
    }
    // Every media the records point at was written back whole: same hash, same size.
    for (const record of again.records) {
      if (record.kind !== 'mms') continue;
      for (const part of record.parts) if (part.media) expect(media.blobs.get(part.media.sha256)?.length).toBe(part.media.size);
    }
  });

  it('keeps a missing <addrs> apart from an empty one, and "" apart from "null" and absent', async () => {
    const records = [
      mms([['date', '1'], ['sub', ''], ['m_id', 'null']], [{ attrs: [['seq', '0'], ['text', '']] }], null),
      mms([['date', '2']], [], []),
      mms([['date', '3']], [{ attrs: [['ct', 'text/plain']] }], [{ attrs: [['address', '+1'], ['type', '137']] }]),
    ];
    const xml = await write(records, header(3), NO_MEDIA);
    expect(xml.toString()).toContain('  <mms date="2">\n    <parts />\n    <addrs />\n  </mms>\n');
    const again = await read(xml, new MemoryMedia());
    expect(content(again.records)).toEqual(content(records));
  });
});

describe('byte-exact output', () => {
  it('sms-threads.xml is written back byte for byte, prolog included', async () => {
    const data = fixture(SBR_FIXTURES, 'sms-threads.xml');
    const media = new MemoryMedia();
    const first = await read(data, media);
    expect((await write(first.records, headerOf(first), media)).toString()).toBe(data.toString());
  });

  it.each(['empty.xml', 'sms-mms-small.xml', 'mms-media.xml', 'corrupt-base64.xml'])(
    '%s is written back byte for byte, but for its comments and blank lines',
    async (name) => {
      const data = fixture(SBR_FIXTURES, name);
      const media = new MemoryMedia();
      const first = await read(data, media);
      const expected = data
        .toString()
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.trim().startsWith('<!--'));
      expect((await write(first.records, headerOf(first), media)).toString().split('\n')).toEqual([...expected, '']);
    },
  );

  it('google-messages-truncated.xml (every attribute the app writes): every complete record is written back line for line', async () => {
    const source = fixture(SBR_FIXTURES, 'google-messages-truncated.xml').toString().split('\n');
    const media = new MemoryMedia();
    const first = await read(fixture(SBR_FIXTURES, 'google-messages-truncated.xml'), media);
    const written = (await write(first.records, headerOf(first), media)).toString().split('\n');
    // The source is cut inside its 9th MMS; the output closes the root after the 8th.
    const complete = source.slice(0, source.lastIndexOf('  </mms>') + 1);
    expect(written).toHaveLength(complete.length + 2);
    expect(written.slice(-2)).toEqual(['</smses>', '']);
    const differing = complete.flatMap((line, i) => (line === written[i] ? [] : [i + 1]));
    // Line 3: count="24" becomes the 16 records there are.
    expect(differing).toEqual([3]);
    expect(written[2]).toBe(complete[2]?.replace('count="24"', 'count="16"'));
    // The app writes `"` inside values as &quot; in double quotes: the SMIL parts prove it.
    expect(written.join('\n')).toContain('text="&lt;smil&gt;&lt;head&gt;&lt;layout&gt;&lt;root-layout/&gt;&lt;region id=&quot;Text&quot;');
  });
});

/** What a value reads back as: characters XML cannot hold become U+FFFD. */
function representable(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex -- the forbidden controls are the point
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\uFFFD',
  );
}

const HOSTILE = [
  '&', '<', '>', '"', "'", `say "hi" it's`, '\n', '\r\n', '\t', ' ', '  lead', 'trail  ', '😀', '👍🏽', '日本語',
  'Привет', 'null', '', '&amp;', '&#10;', ']]>', '<!--', '\u0001', '\u0000', '\u001f', '\ufffe', '\uffff',
  '\ud83d', '\ude00', '\u007f', '\u0085', '\u2028', 'a=b, c=d', '%s',
];

function hostileValue(random: () => number): string {
  let value = '';
  for (let n = Math.floor(random() * 6); n > 0; n--) value += HOSTILE[Math.floor(random() * HOSTILE.length)] ?? '';
  return value;
}

/** Records of every kind with hostile values, vendor attributes, media and both kinds of <addrs>. */
function hostileMessages(media: MemoryMedia, count: number): ArchiveRecord[] {
  const random = seeded(42);
  const records: ArchiveRecord[] = [];
  for (let n = 0; n < count; n++) {
    const common: Attr[] = [['address', `+1555${String(1000000 + n)}`], ['date', String(1600000000000 + n)]];
    const vendor: Attr[] = random() < 0.5 ? [['sim_imsi', hostileValue(random)], ['x-vendor.flag', 'null'], ['名前', hostileValue(random)]] : [];
    if (random() < 0.6) {
      records.push(sms([['protocol', '0'], ...common, ['subject', 'null'], ['body', hostileValue(random)], ...vendor, ['contact_name', hostileValue(random)]]));
      continue;
    }
    const bytes = Buffer.alloc(Math.floor(random() * 3000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    const parts: PartRecord[] = [
      { attrs: [['seq', '-1'], ['ct', 'application/smil'], ['text', '<smil><par dur="5000ms"/></smil>']] },
      { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', hostileValue(random)], ['cl', hostileValue(random)]] },
    ];
    if (bytes.length > 0) parts.push({ attrs: [['seq', '0'], ['ct', 'image/jpeg'], ['text', 'null'], ['data', ''], ['cl', 'a.jpg']], media: media.put(bytes) });
    if (random() < 0.3) parts.push({ attrs: [['ct', 'image/png'], ['data', '']], damage: 'corrupt', rawData: 'not-base64 & <"\'>', media: media.put(Buffer.from('not', 'base64')) });
    const addrs = random() < 0.2 ? null : random() < 0.2 ? [] : [{ attrs: [['address', hostileValue(random)], ['type', '137'], ['charset', '106']] as Attr[] }];
    records.push(mms([...common, ['msg_box', '1'], ['sub', hostileValue(random)], ...vendor], parts, addrs));
  }
  return records;
}

function hostileCalls(count: number): CallRecord[] {
  const random = seeded(7);
  return Array.from({ length: count }, (_, n) =>
    call([['number', hostileValue(random)], ['duration', String(n)], ['date', String(1600000000000 + n)], ['type', '1'], ['contact_name', hostileValue(random)]]),
  );
}

/** The records as they read back: the same, with what XML cannot hold replaced. */
function asReadBack(records: readonly ArchiveRecord[]): unknown[] {
  const fix = (attrs: readonly Attr[]): Attr[] => attrs.map(([n, v]) => [n, representable(v)]);
  return content(
    records.map((r): ArchiveRecord => {
      if (r.kind !== 'mms') return { ...r, attrs: fix(r.attrs) };
      return {
        ...r,
        attrs: fix(r.attrs),
        parts: r.parts.map((p) => ({ ...p, attrs: fix(p.attrs) })),
        addrs: r.addrs === null ? null : r.addrs.map((a) => ({ attrs: fix(a.attrs) })),
      };
    }),
  );
}

const noXmllint = lacks(XMLLINT);

function xmllint(xml: Buffer, name: string): { status: number | null; stderr: string } {
  const file = path.join(TMP, name);
  fs.writeFileSync(file, xml);
  const result = spawnSync(programPath(XMLLINT), ['--noout', '--huge', file], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('hostile values', () => {
  const media = new MemoryMedia(1000);
  const messages = hostileMessages(media, 400);
  const calls = hostileCalls(200);

  it('are written as XML that saxes accepts, and read back the same', async () => {
    const replaced: ReplacedCharacter[] = [];
    const xml = await write(messages, header(messages.length), media, { onReplacedCharacter: (r) => replaced.push(r) });
    const again = await read(xml, media);
    expect(again.error).toBeUndefined();
    expect(content(again.records)).toEqual(asReadBack(messages));
    expect(readWithSaxes(xml.toString('utf8'))).toEqual(plain(again.records));
    expect(replaced.length).toBeGreaterThan(10);
    expect(replaced.every((r) => r.record !== null && r.code !== 0xfffd)).toBe(true);
  });

  it('in a calls file too', async () => {
    const xml = await write(calls, header(calls.length, 'calls'), NO_MEDIA);
    expect(xml.toString()).toMatch(/^<\?xml[^\n]*\n<\?xml-stylesheet type="text\/xsl" href="calls.xsl"\?>\n<calls count="200" /);
    const again = await read(xml, media);
    expect(again.header?.content).toBe('calls');
    expect(content(again.records)).toEqual(asReadBack(calls));
    expect(readWithSaxes(xml.toString('utf8'))).toEqual(plain(again.records));
  });

  // A second, independent parser: skipped, with a note at the end of the run, where xmllint is missing.
  it.skipIf(noXmllint)('messages and calls files are well-formed XML to xmllint too', async () => {
    const xml = await write(messages, header(messages.length), media, { onReplacedCharacter: () => undefined });
    expect(xmllint(xml, 'hostile.xml')).toEqual({ status: 0, stderr: '' });
    expect(xmllint(await write(calls, header(calls.length, 'calls'), NO_MEDIA), 'calls.xml')).toEqual({ status: 0, stderr: '' });
  });

  it('legacy emoji: surrogate-pair references, which our reader joins back', async () => {
    const xml = await write(messages, header(messages.length), media, { legacyEmoji: true });
    const text = xml.toString('utf8');
    expect(text).toContain('&#55357;&#56832;'); // 😀
    expect(text).toContain('&#55357;&#56397;&#55356;&#57341;'); // 👍🏽
    expect(/[\u{10000}-\u{10FFFF}]/u.test(text)).toBe(false);
    const again = await read(xml, media);
    expect(again.error).toBeUndefined();
    expect(content(again.records)).toEqual(asReadBack(messages));
  });

  it('escapes exactly as the app does', async () => {
    const replaced: ReplacedCharacter[] = [];
    const records = [
      sms([['body', `a & b < c > d "q" 'a'\n\r\t😀`], ['x', '\u0000\u0008\ufffe\ud800z\udc00'], ['e', '']]),
      sms([]),
    ];
    const writer = (legacyEmoji: boolean): Promise<Buffer> =>
      write(records, header(2), NO_MEDIA, { legacyEmoji, onReplacedCharacter: (r) => replaced.push(r) });
    const lines = (await writer(false)).toString().split('\n');
    expect(lines[3]).toBe(`  <sms body="a &amp; b &lt; c &gt; d &quot;q&quot; 'a'&#10;&#13;&#9;😀" x="\uFFFD\uFFFD\uFFFD\uFFFDz\uFFFD" e="" />`);
    expect(lines[4]).toBe('  <sms />');
    expect(replaced).toEqual([0, 8, 0xfffe, 0xd800, 0xdc00].map((code) => ({ record: 0, element: 'sms', attribute: 'x', code })));
    expect((await writer(true)).toString().split('\n')[3]).toContain('&#9;&#55357;&#56832;" x=');
  });

  it('refuses an attribute name that is not an XML name', async () => {
    for (const name of ['', '1abc', 'a b', 'a"b', 'a>', '-x']) {
      await expect(write([sms([['ok', '1'], [name, 'v']])], header(1), NO_MEDIA)).rejects.toThrow(SbrWriteError);
    }
    await expect(write([sms([['é_ü-1.x:y', 'v']])], header(1), NO_MEDIA)).resolves.toBeInstanceOf(Buffer);
  });

  it('refuses an attribute that appears twice in one element, which no XML parser accepts', async () => {
    await expect(write([sms([['a', '1'], ['b', '2'], ['a', '3']])], header(1), NO_MEDIA)).rejects.toThrow('attribute "a" appears twice in one <sms>');
    const part: PartRecord = { attrs: [['data', ''], ['data', 'x']], rawData: 'y' };
    await expect(write([mms([], [part], null)], header(1), NO_MEDIA)).rejects.toThrow('attribute "data" appears twice in one <part>');
    // The same names in the next element, and in an element of another kind, are fine.
    const ok = [sms([['a', '1'], ['b', '2']]), sms([['b', '2'], ['a', '1']]), mms([['a', '1']], [{ attrs: [['a', '1']] }], [{ attrs: [['a', '1']] }])];
    await expect(write(ok, header(3), NO_MEDIA)).resolves.toBeInstanceOf(Buffer);
  });
});

describe('media', () => {
  const image = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
  const record = (media: { sha256: string; size: number }): MmsRecord =>
    mms(
      [['date', '1'], ['msg_box', '1']],
      [
        { attrs: [['seq', '0'], ['ct', 'image/png'], ['data', ''], ['cl', 'a.png']], media },
        { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', 'caption']] },
      ],
      [{ attrs: [['address', '+15550000001'], ['type', '137']] }],
    );

  async function writeWithFailure(source: MediaSource, media: { sha256: string; size: number }) {
    const failures: [string, string, number][] = [];
    const xml = await write([record(media)], header(1), source, {
      onMediaUnavailable: (sha, error, writtenBytes) => failures.push([sha, error.message, writtenBytes]),
    });
    return { xml: xml.toString(), failures };
  }

  it('streams media as base64 in the place of data, whatever the chunk sizes', async () => {
    for (const chunkSize of [1, 2, 3, 4, 5, 1000]) {
      const source = new MemoryMedia(chunkSize);
      const stored = source.put(image);
      const xml = (await write([record(stored)], header(1), source)).toString();
      expect(xml).toContain(`<part seq="0" ct="image/png" data="${image.toString('base64')}" cl="a.png" />`);
    }
  });

  it('missing media (the source fails at once or on its first chunk): data="", reported, message written', async () => {
    const stored = { sha256: sha256(image), size: image.length };
    const throwing: MediaSource = {
      open: () => {
        throw new Error('ENOENT');
      },
    };
    for (const source of [throwing, new MemoryMedia()]) {
      const { xml, failures } = await writeWithFailure(source, stored);
      expect(xml).toContain('<part seq="0" ct="image/png" data="" cl="a.png" />\n      <part seq="0" ct="text/plain" text="caption" />');
      expect(xml).toContain('<addr address="+15550000001" type="137" />');
      expect(failures).toEqual([[stored.sha256, expect.stringContaining('ENOENT') as unknown, 0]]);
    }
  });

  it('damaged media (wrong bytes, too short, too long): data="", reported', async () => {
    const good = { sha256: sha256(image), size: image.length };
    for (const bytes of [Buffer.from(image).fill(1, 3, 4), image.subarray(1), Buffer.concat([image, image])]) {
      const source: MediaSource = { open: () => once(bytes) };
      const { xml, failures } = await writeWithFailure(source, good);
      expect(xml).toContain('ct="image/png" data="" cl="a.png"');
      expect(failures).toHaveLength(1);
      expect(failures[0]?.[2]).toBe(0);
    }
  });

  it('verifyMedia: false trusts the bytes (but still checks their size)', async () => {
    const stored = { sha256: 'e'.repeat(64), size: image.length };
    const source: MediaSource = { open: () => once(image) };
    const xml = (await write([record(stored)], header(1), source, { verifyMedia: false })).toString();
    expect(xml).toContain(`data="${image.toString('base64')}"`);
    const { failures } = await writeWithFailure(source, { ...stored, size: image.length + 1 });
    expect(failures).toEqual([['e'.repeat(64), `it has ${image.length} bytes where ${image.length + 1} were recorded`, 0]]);
  });

  it('without onMediaUnavailable the write rejects, and the writer refuses to go on', async () => {
    const writer = new SbrXmlWriter(() => undefined, new MemoryMedia());
    await writer.begin(header(2));
    await expect(writer.write(record({ sha256: sha256(image), size: image.length }))).rejects.toThrow(MediaUnavailableError);
    await expect(writer.write(sms([]))).rejects.toThrow(/an earlier call failed/);
  });

  it('media that fail after the lookahead keep the bytes written, as valid base64, and say how many', async () => {
    const block = Buffer.alloc(MEDIA_LOOKAHEAD_BYTES + 4001, 0x5a);
    async function* failing(): AsyncGenerator<Buffer> {
      yield block;
      await Promise.resolve();
      throw new Error('EIO');
    }
    let closed = 0;
    const source: MediaSource = {
      open: () => ({
        [Symbol.asyncIterator]: () => {
          const it = failing();
          return { next: () => it.next(), return: () => (closed++, it.return(undefined)) };
        },
      }),
    };
    const { xml, failures } = await writeWithFailure(source, { sha256: 'f'.repeat(64), size: 3 * block.length });
    expect(failures).toEqual([['f'.repeat(64), 'EIO', block.length]]);
    expect(closed).toBe(0); // the source ended itself by failing
    const again = await read(Buffer.from(xml), new MemoryMedia());
    const part = again.records[0]?.kind === 'mms' ? again.records[0].parts[0] : undefined;
    expect(part?.media).toEqual({ sha256: sha256(block), size: block.length });
  });

  it('a failing sink stops the write and closes the media source', async () => {
    const bytes = Buffer.alloc(3 * MEDIA_LOOKAHEAD_BYTES, 1);
    let returned = false;
    const source: MediaSource = {
      open: () => ({
        [Symbol.asyncIterator]: () => {
          let at = 0;
          return {
            next: () => Promise.resolve(at < bytes.length ? { done: false, value: bytes.subarray(at, (at += 65536)) } : { done: true, value: undefined }),
            return: () => {
              returned = true;
              return Promise.resolve({ done: true, value: undefined });
            },
          };
        },
      }),
    };
    let written = 0;
    const writer = new SbrXmlWriter((chunk) => {
      written += chunk.length;
      if (written > 2 * MEDIA_LOOKAHEAD_BYTES) throw new Error('ENOSPC');
    }, source);
    await writer.begin(header(1));
    await expect(writer.write(record({ sha256: sha256(bytes), size: bytes.length }))).rejects.toThrow('ENOSPC');
    expect(returned).toBe(true);
  });

  it('copes with a source that reuses one buffer for every chunk', async () => {
    const bytes = Buffer.alloc(5000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    async function* reusing(): AsyncGenerator<Buffer> {
      const shared = Buffer.alloc(100);
      for (let at = 0; at < bytes.length; at += 100) {
        bytes.copy(shared, 0, at, at + 100);
        await Promise.resolve();
        yield shared;
      }
    }
    const xml = await write([record({ sha256: sha256(bytes), size: bytes.length })], header(1), { open: () => reusing() });
    expect(xml.toString()).toContain(`data="${bytes.toString('base64')}"`);
  });

  it('writes rawData verbatim (escaped) over the media decoded from it, and data kept last when it had no place', async () => {
    const source = new MemoryMedia();
    const prefix = source.put(Buffer.from('not', 'base64'));
    const parts: PartRecord[] = [
      { attrs: [['ct', 'image/png'], ['data', ''], ['cl', 'x']], damage: 'corrupt', rawData: 'not-valid&"base64', media: prefix },
      { attrs: [['ct', 'image/gif'], ['cl', 'y']], media: source.put(image) },
      { attrs: [['ct', 'image/gif'], ['data', '']], damage: 'empty' },
    ];
    const xml = (await write([mms([['date', '1']], parts, null)], header(1), source)).toString();
    expect(xml).toContain('<part ct="image/png" data="not-valid&amp;&quot;base64" cl="x" />');
    expect(xml).toContain(`<part ct="image/gif" cl="y" data="${image.toString('base64')}" />`);
    expect(xml).toContain('<part ct="image/gif" data="" />');
  });
});

/** 100 MiB of media, made on the fly in odd-sized chunks, never held whole. */
const BIG_MEDIA_BYTES = 100 * 1024 * 1024;
const BIG_CHUNK = 65_537;

async function* bigMedia(block: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0, n = 0; at < BIG_MEDIA_BYTES; at += BIG_CHUNK, n++) {
    const offset = (n * 7919) % (block.length - BIG_CHUNK);
    yield block.subarray(offset, offset + Math.min(BIG_CHUNK, BIG_MEDIA_BYTES - at));
    // Like a file stream, let the event loop run between reads.
    if (n % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Decodes the one `data="..."` value in what the writer writes, as it arrives, into a hash. */
class DataDecoder {
  readonly hash = createHash('sha256');
  size = 0;
  private state: 'before' | 'inside' | 'after' = 'before';
  private tail = '';
  private base64 = '';

  push(chunk: Buffer): void {
    let text = chunk.toString('latin1');
    if (this.state === 'before') {
      text = this.tail + text;
      const at = text.indexOf(' data="');
      if (at === -1) {
        this.tail = text.slice(-7);
        return;
      }
      this.state = 'inside';
      text = text.slice(at + 7);
    }
    if (this.state !== 'inside') return;
    const end = text.indexOf('"');
    const base64 = this.base64 + (end === -1 ? text : text.slice(0, end));
    const whole = end === -1 ? base64.length - (base64.length % 4) : base64.length;
    this.decode(base64.slice(0, whole));
    this.base64 = base64.slice(whole);
    if (end !== -1) this.state = 'after';
  }

  private decode(base64: string): void {
    const bytes = Buffer.from(base64, 'base64');
    this.hash.update(bytes);
    this.size += bytes.length;
  }
}

describe('memory', () => {
  it('writes an MMS with 100 MiB of media in constant memory', async () => {
    const random = seeded(3);
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = Math.floor(random() * 256);
    const expected = createHash('sha256');
    for await (const chunk of bigMedia(block)) expected.update(chunk);
    const sha = expected.digest('hex');

    const decoder = new DataDecoder();
    const base = process.memoryUsage().rss;
    let peak = base;
    let chunks = 0;
    const writer = new SbrXmlWriter(
      (chunk) => {
        decoder.push(chunk);
        if (++chunks % 32 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      },
      { open: () => bigMedia(block) },
    );
    await writer.begin(header(1));
    await writer.write(
      mms([['date', '1']], [{ attrs: [['ct', 'video/mp4'], ['data', ''], ['cl', 'big.mp4']], media: { sha256: sha, size: BIG_MEDIA_BYTES } }], []),
    );
    await writer.end();

    expect(decoder.size).toBe(BIG_MEDIA_BYTES);
    expect(decoder.hash.digest('hex')).toBe(sha);
    expect(chunks).toBeGreaterThan(1000);
    console.info(`SbrXmlWriter: 100 MiB media written with ${((peak - base) / 1048576).toFixed(1)} MiB RSS growth`);
    expect(peak - base).toBeLessThan(60 * 1024 * 1024);
  });
});

describe('usage', () => {
  it('refuses calls out of order, a wrong count, and records of the wrong kind', async () => {
    const fresh = (): SbrXmlWriter => new SbrXmlWriter(() => undefined, NO_MEDIA);
    await expect(fresh().write(sms([]))).rejects.toThrow(/begin\(\) was not called/);
    await expect(fresh().end()).rejects.toThrow(SbrWriteError);

    const short = fresh();
    await short.begin(header(2));
    await short.write(sms([]));
    await expect(short.end()).rejects.toThrow('1 records written where begin() announced 2');

    const long = fresh();
    await long.begin(header(1));
    await long.write(sms([]));
    await expect(long.write(sms([]))).rejects.toThrow('more records written than the count of 1');

    const calls = fresh();
    await calls.begin(header(1, 'calls'));
    await expect(calls.write(sms([]))).rejects.toThrow('a sms record cannot be written into a <calls> file');

    const twice = fresh();
    await twice.begin(header(0));
    await expect(twice.begin(header(0))).rejects.toThrow(/already called/);
  });

  it('writeNow writes an SMS or call at once exactly as write() would, and leaves an MMS to write()', async () => {
    const records: ArchiveRecord[] = [];
    for (let i = 0; i < 3000; i++) records.push(sms([['address', `+1555000${i}`], ['date', String(i)], ['body', `line ${i} & <more> "quoted"`]]));
    records.push(mms([['date', '9']], [], null));
    const chunks: Buffer[] = [];
    const writer = new SbrXmlWriter((chunk) => {
      chunks.push(chunk);
    }, NO_MEDIA);
    await writer.begin(header(records.length));
    let now = 0;
    for (const r of records) {
      if (writer.writeNow(r)) now++;
      else await writer.write(r);
    }
    await writer.end();
    // Most went without a promise; the rest when output was due, and the MMS.
    expect(now).toBeGreaterThan(2900);
    expect(now).toBeLessThan(records.length - 1);
    expect(Buffer.concat(chunks).equals(await write(records, header(records.length), NO_MEDIA))).toBe(true);

    const calls = new SbrXmlWriter(() => undefined, NO_MEDIA);
    await calls.begin(header(1, 'calls'));
    expect(() => calls.writeNow(sms([]))).toThrow('a sms record cannot be written into a <calls> file');
    await expect(calls.end()).rejects.toThrow(/an earlier call failed/);
  });

  it('refuses a write while the previous one is still running', async () => {
    const writer = new SbrXmlWriter(() => new Promise((resolve) => setTimeout(resolve, 5)), NO_MEDIA);
    const first = writer.begin(header(0));
    await expect(writer.end()).rejects.toThrow(/before the previous call finished/);
    await first;
  });

  it('validates the header and keeps extra root attributes after the standard ones', async () => {
    const extra: Attr[] = [['app_version', '10.20.002'], ['x', 'a"b']];
    const xml = (await write([], { ...header(0), type: 'incremental', extraAttrs: extra }, NO_MEDIA)).toString();
    expect(xml.split('\n')[2]).toBe(
      '<smses count="0" backup_set="b1a5e7c2-0000-4000-8000-000000000001" backup_date="1721556032311" type="incremental" app_version="10.20.002" x="a&quot;b">',
    );
    await expect(write([], { ...header(0), extraAttrs: [['count', '1']] }, NO_MEDIA)).rejects.toThrow(/given twice/);
    await expect(write([], { ...header(0), count: -1 }, NO_MEDIA)).rejects.toThrow(/count must be/);
    await expect(write([], { ...header(0), backupDate: 1.5 }, NO_MEDIA)).rejects.toThrow(/backupDate must be/);
  });
});

describe('performance', () => {
  it('writes 200,000 SMS to a file (the rate is printed, not asserted)', async () => {
    const first = await read(fixture(SBR_FIXTURES, 'google-messages-truncated.xml'), new MemoryMedia());
    const models = first.records.filter((r): r is SmsRecord => r.kind === 'sms');
    const count = 200_000;
    const records = Array.from({ length: count }, (_, n): SmsRecord => {
      const model = models[n % models.length] ?? sms([]);
      const attrs = model.attrs.map(([name, value]): Attr => [name, name === 'date' ? String(1512226167463 + n * 1000) : value]);
      return { ...model, attrs };
    });
    const file = path.join(TMP, 'perf.xml');
    const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
    const sink = (chunk: Buffer): Promise<void> | undefined =>
      out.write(chunk) ? undefined : new Promise((resolve) => out.once('drain', resolve));
    const started = performance.now();
    const writer = new SbrXmlWriter(sink, NO_MEDIA);
    await writer.begin(header(count));
    for (const record of records) await writer.write(record);
    await writer.end();
    await new Promise<void>((resolve) => out.end(resolve));
    const seconds = (performance.now() - started) / 1000;
    const size = fs.statSync(file).size;
    console.info(`SbrXmlWriter: ${count} SMS, ${(size / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} SMS/s`);

    const again = await read(fs.readFileSync(file), new MemoryMedia());
    expect(again.error).toBeUndefined();
    expect(again.records).toHaveLength(count);
  });
});
