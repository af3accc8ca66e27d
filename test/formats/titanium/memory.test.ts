/**
 * A Titanium MMS part's base64 is element content: it must go to the media sink as it arrives,
 * never as one string. ~200 MB of base64 (in 76-column lines, as the app wraps it) is read in
 * constant memory; a file cut inside it aborts the open media writer.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTitanium } from '../../../src/formats/titanium/reader.js';
import { HashingSink, seeded } from '../sbr/helpers.js';

const BLOCK_BYTES = 57 * 4096; // 57 bytes = one 76-column line of base64.
const BLOCKS = 640; // ~200 MB of base64 with its line breaks.

function mediaBlock(): Buffer {
  const random = seeded(11);
  const block = Buffer.alloc(BLOCK_BYTES);
  for (let i = 0; i < block.length; i++) block[i] = Math.floor(random() * 256);
  return block;
}

const HEAD = '<?xml version="1.0"?>\n<threads count="1" xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages">\n<thread address="+15550100101">\n<mms msgBox="inbox" date="2014-01-02T10:00:00.000Z"><part contentType="video/mp4" order="0" encoding="base64">\n';

async function* hugeBackup(block: Buffer, blocks: number, onChunk: () => void, end = true): AsyncGenerator<Buffer> {
  yield Buffer.from(HEAD);
  const base64 = Buffer.from(block.toString('base64').replace(/.{76}/g, '$&\n'));
  for (let n = 0; n < blocks; n++) {
    await new Promise((resolve) => setImmediate(resolve));
    // Odd-sized chunks, so that lines and base64 groups straddle them.
    for (let at = 0; at < base64.length; at += 100_003) {
      onChunk();
      yield base64.subarray(at, at + 100_003);
    }
  }
  if (end) yield Buffer.from('</part></mms>\n</thread>\n</threads>\n');
}

const ctx = (sink: HashingSink, kinds: string[]): Parameters<typeof readTitanium>[2] => ({
  sink,
  salvage: false,
  onBytes: () => undefined,
  handler: { header: () => undefined, record: (r) => kinds.push(r.kind), warning: () => undefined },
});

describe('Titanium reader memory', () => {
  it('streams ~200 MB of base64 part content in constant memory', async () => {
    const block = mediaBlock();
    const expected = createHash('sha256');
    for (let n = 0; n < BLOCKS; n++) expected.update(block);
    const sink = new HashingSink();
    const base = process.memoryUsage().rss;
    let peak = base;
    let chunks = 0;
    const sample = (): void => {
      if (++chunks % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    };
    const kinds: string[] = [];
    await readTitanium(Readable.from(hugeBackup(block, BLOCKS, sample)), 'huge.xml', ctx(sink, kinds));
    expect(kinds).toEqual(['mms']);
    expect(sink.finished).toEqual([{ sha256: expected.digest('hex'), size: BLOCK_BYTES * BLOCKS }]);
    expect(peak - base).toBeLessThan(100 * 1024 * 1024);
  });

  it('a file cut inside a part aborts its media writer and fails with the position', async () => {
    const sink = new HashingSink();
    const kinds: string[] = [];
    const err = await readTitanium(Readable.from(hugeBackup(mediaBlock(), 3, () => undefined, false)), 'cut.xml', ctx(sink, kinds)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^cut\.xml:\d+:\d+: truncated file: it ends inside <part>/);
    expect(kinds).toEqual([]);
    expect(sink.aborted).toBe(1);
    expect(sink.open).toBe(0);
  });
});
