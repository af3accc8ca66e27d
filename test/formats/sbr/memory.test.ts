import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSbr } from '../../../src/formats/sbr/reader.js';
import { HashingSink, seeded } from './helpers.js';

const BLOCK_BYTES = 48 * 1024 * 5; // 240 KiB of media: 320 KiB of base64, not aligned to chunks.
const BLOCKS = 625; // 200 MB of base64.

function mediaBlock(): Buffer {
  const random = seeded(7);
  const block = Buffer.alloc(BLOCK_BYTES);
  for (let i = 0; i < block.length; i++) block[i] = Math.floor(random() * 256);
  return block;
}

/** A backup holding one MMS with ~200 MB of base64, made on the fly, never held whole. */
async function* hugeBackup(block: Buffer, onChunk: () => void): AsyncGenerator<Buffer> {
  yield Buffer.from('<?xml version="1.0"?>\n<smses count="1">\n  <mms date="1"><parts><part ct="video/mp4" data="');
  const base64 = Buffer.from(block.toString('base64'));
  for (let n = 0; n < BLOCKS; n++) {
    // Like a file stream, let the event loop run between reads.
    await new Promise((resolve) => setImmediate(resolve));
    // Odd-sized chunks, so that base64 groups straddle them.
    for (let at = 0; at < base64.length; at += 100_003) {
      onChunk();
      yield base64.subarray(at, at + 100_003);
    }
  }
  yield Buffer.from('" cl="big.mp4"/></parts></mms>\n</smses>\n');
}

describe('memory', () => {
  it('streams a 200 MB data attribute in constant memory', async () => {
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
    await readSbr(hugeBackup(block, sample), {
      file: 'huge.xml',
      sink,
      handler: { header: () => undefined, record: (r) => kinds.push(r.kind), warning: () => undefined },
    });

    expect(kinds).toEqual(['mms']);
    expect(sink.finished).toEqual([{ sha256: expected.digest('hex'), size: BLOCK_BYTES * BLOCKS }]);
    expect(peak - base).toBeLessThan(100 * 1024 * 1024);
  });
});
