import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import { openBackup } from '../../../src/formats/registry.js';
import { STREAMING_RSS_BOUND } from '../../helpers/memory.js';
import { tempDir } from '../../helpers/temp.js';
import { tarEntryChunks, telephonyItems, tarOf, writeAb, SMS_1 } from './build.js';

const CHUNK = 1 << 20;
const SHARED_MIB = 384;

describe('memory', () => {
  it('reads an encrypted, compressed .ab with 384 MiB of other data in constant memory', async () => {
    const file = path.join(tempDir(), 'big.ab');
    const chunk = Buffer.alloc(CHUNK);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 9)) & 0xff;
    const messages = Array.from({ length: 20 }, (_v, c) => ({
      kind: 'sms' as const,
      messages: Array.from({ length: 1000 }, (_w, i) => ({ ...SMS_1, body: `message ${c * 1000 + i}`, date: String(1700000000000 + c * 1000 + i) })),
    }));
    const telephony = tarOf(telephonyItems(messages), { endMarker: false });
    await writeAb(file, tarWithMessagesInTheMiddle(chunk, telephony), { password: 'pw', rounds: 1000 });

    const opened = await openBackup(file, { passphrase: () => Promise.resolve('pw') });
    const unit = opened.units[0];
    if (unit === undefined) throw new Error('no unit');
    const base = process.memoryUsage().rss;
    let peak = base;
    let records = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      await unit.read({
        salvage: false,
        onBytes: () => {
          peak = Math.max(peak, process.memoryUsage().rss);
        },
        sink: hashOnlySink(),
        handler: { header: () => undefined, record: () => {
            records++;
          }, warning: () => undefined },
      });
    } finally {
      clearInterval(timer);
    }
    expect(records).toBe(20_000);
    // 384 MiB of payload went through decryption, inflation and the tar reader.
    expect(peak - base).toBeLessThan(STREAMING_RSS_BOUND);
  });
});

/** Half the shared data, the telephony entries, the other half: the messages sit in the middle. */
function* tarWithMessagesInTheMiddle(chunk: Buffer, telephony: Buffer): Generator<Buffer> {
  const half = SHARED_MIB / 2;
  const movie = (name: string): Generator<Buffer> =>
    tarEntryChunks(name, half * CHUNK, (function* () {
      for (let n = 0; n < half; n++) yield chunk;
    })());
  yield* movie('shared/0/Movies/a.mp4');
  yield telephony;
  yield* movie('shared/0/Movies/b.mp4');
  yield Buffer.alloc(1024);
}
