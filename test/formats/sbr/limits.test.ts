/**
 * Hostile SMS Backup & Restore files that try to make the reader hold gigabytes: a tag with three
 * 60 MiB attributes, a tag with 100,000 attributes, a record made of thousands of large parts.
 * Each is refused with a LimitExceededError naming the setting, while the reader's memory stays
 * bounded; streamed media (hundreds of MB of base64) is not affected by the limits.
 */
import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../../../src/formats/limits.js';
import type { MmsRecord, SmsRecord } from '../../../src/formats/records.js';
import { readSbr } from '../../../src/formats/sbr/reader.js';
import { HashingSink } from './helpers.js';

const MiB = 1024 * 1024;

/** Yields `head`, then `count` chunks of `fill` separated by `between`, then `tail`: never held whole. */
async function* generated(head: string, fill: Buffer, count: number, between: (n: number) => string, tail: string): AsyncGenerator<Buffer> {
  yield Buffer.from(head);
  for (let n = 0; n < count; n++) {
    const sep = between(n);
    if (sep !== '') yield Buffer.from(sep);
    yield fill;
    if (n % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  yield Buffer.from(tail);
}

interface Outcome {
  error: unknown;
  records: (SmsRecord | MmsRecord | { kind: 'call' })[];
  peakGrowth: number;
}

async function read(source: AsyncIterable<Buffer>, limits?: Parameters<typeof readSbr>[1]['limits']): Promise<Outcome> {
  const records: Outcome['records'] = [];
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampled = (async function* () {
    for await (const chunk of source) {
      peak = Math.max(peak, process.memoryUsage().rss);
      yield chunk;
    }
  })();
  let error: unknown;
  try {
    await readSbr(sampled, {
      file: 'hostile.xml',
      sink: new HashingSink(),
      handler: { header: () => undefined, record: (r) => records.push(r), warning: () => undefined },
      ...(limits === undefined ? {} : { limits }),
    });
  } catch (e) {
    error = e;
  }
  return { error, records, peakGrowth: peak - base };
}

describe('input limits of the SBR reader', () => {
  it('refuses <sms> with three 60 MiB attributes at 8 MiB, holding far less than 180 MiB', async () => {
    // 1 MiB steps: a = 60 MiB, then b = ..., c = ... (the attack of issue #29, 184 KB as gzip).
    const fill = Buffer.alloc(MiB, 'x');
    const source = generated('<?xml version="1.0"?>\n<smses count="1">\n<sms a="', fill, 180, (n) => (n === 60 ? '" b="' : n === 120 ? '" c="' : ''), '" />\n</smses>\n');
    const r = await read(source);
    expect(r.error).toBeInstanceOf(LimitExceededError);
    const e = r.error as LimitExceededError;
    expect(e.limit).toBe('maxTagChars');
    expect(e.message).toContain('hostile.xml: the start tag <sms> at 3:1 holds more than 8 MiB of attribute text');
    expect(e.message).toContain('setting import.max-tag-size');
    expect(e.message).toContain('textvault config set import.max-tag-size VALUE');
    expect(r.records).toEqual([]);
    expect(r.peakGrowth).toBeLessThan(120 * MiB);
  });

  it('refuses a start tag with 100,000 attributes', async () => {
    const attrs = Array.from({ length: 100_000 }, (_, k) => ` a${String(k)}="1"`).join('');
    const r = await read(generated('<smses>\n<sms', Buffer.from(attrs), 1, () => '', ' />\n</smses>\n'));
    expect(r.error).toBeInstanceOf(LimitExceededError);
    expect((r.error as LimitExceededError).limit).toBe('maxAttributes');
    expect((r.error as Error).message).toContain('the start tag <sms> at 2:1 has more than 10000 attributes, over the limit of 10000 attributes (setting import.max-attributes)');
  });

  it('refuses an <mms> whose parts add up past the record limit, each part under the tag limit', async () => {
    // 40 parts of 1 MiB text each: every tag is fine, the record (16 MiB) is not.
    const text = Buffer.alloc(MiB, 'y');
    const r = await read(generated('<smses>\n<mms date="1"><parts>', text, 40, (n) => `${n === 0 ? '' : '" />'}<part ct="text/plain" text="`, '" /></parts></mms>\n</smses>\n'));
    expect(r.error).toBeInstanceOf(LimitExceededError);
    expect((r.error as LimitExceededError).limit).toBe('maxRecordChars');
    expect((r.error as Error).message).toContain('hostile.xml: the <mms> at 2:1 holds more than 16 MiB of text (streamed media not counted), over the limit of 16 MiB (setting import.max-record-size)');
    expect(r.peakGrowth).toBeLessThan(150 * MiB);
  });

  it('counts many empty parts towards the record limit too', async () => {
    const parts = Buffer.from('<part/>'.repeat(10_000));
    const r = await read(generated('<smses>\n<mms date="1"><parts>', parts, 100, () => '', '</parts></mms>\n</smses>\n'));
    expect((r.error as LimitExceededError).limit).toBe('maxRecordChars');
  });

  it('reads what the limits admit, and more once they are raised', async () => {
    const big = Buffer.alloc(6 * MiB, 'z');
    const backup = (): AsyncGenerator<Buffer> => generated('<smses>\n<mms date="1"><parts>', big, 3, (n) => `${n === 0 ? '' : '" />'}<part ct="text/plain" text="`, '" /></parts></mms>\n</smses>\n');
    const refused = await read(backup());
    expect((refused.error as LimitExceededError).limit).toBe('maxRecordChars');
    const raised = await read(backup(), { maxTagChars: 8 * MiB, maxAttributes: 10_000, maxRecordChars: 32 * MiB });
    expect(raised.error).toBeUndefined();
    expect(raised.records.map((x) => x.kind)).toEqual(['mms']);
  });

  it('does not count streamed media: a part with 64 MiB of base64 data reads under an 8 MiB tag limit', async () => {
    const base64 = Buffer.from(Buffer.alloc(3 * MiB, 7).toString('base64'));
    const r = await read(generated('<smses>\n<mms date="1"><parts><part ct="image/png" data="', base64, 16, () => '', '" /></parts></mms>\n</smses>\n'));
    expect(r.error).toBeUndefined();
    const mms = r.records[0] as MmsRecord;
    expect(mms.parts[0]?.media?.size).toBe(48 * MiB);
  });
});
