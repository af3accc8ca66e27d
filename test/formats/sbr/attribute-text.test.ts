import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArchiveRecord, Attrs, SmsRecord } from '../../../src/formats/records.js';
import { parseAttributeText, attributeTextOfTag, renderAttributeText } from '../../../src/formats/sbr/attribute-text.js';
import { SbrReader } from '../../../src/formats/sbr/reader.js';
import { SbrXmlWriter } from '../../../src/formats/sbr/writer.js';
import { smsBackupChunks } from '../../../bench/generator.js';
import { generateMessages } from './generate.js';
import { cpuMs } from '../../helpers/cpu-time.js';
import { HashingSink, readBuffer, SBR_FIXTURES } from './helpers.js';

/** Each SMS as the writer writes it (attributes escaped one by one): the text between `<sms` and ` />`. */
async function writtenAttributes(records: readonly SmsRecord[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  const writer = new SbrXmlWriter(
    (chunk) => {
      chunks.push(chunk);
    },
    { open: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('no media')) }) }) },
  );
  await writer.begin({ root: 'smses', count: records.length, backupSet: 'x', backupDate: 0 });
  for (const r of records) if (!writer.writeNow({ kind: 'sms', attrs: r.attrs, position: r.position })) await writer.write({ kind: 'sms', attrs: r.attrs, position: r.position });
  await writer.end();
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('  <sms'))
    .map((l) => l.slice('  <sms'.length, -' />'.length));
}

/** The SMS of a file with the attribute text the reader passed beside each (a damaged fixture's up to its damage). */
function smsWithText(data: Buffer, chunkSize = data.length): [SmsRecord, string | undefined][] {
  const out: [SmsRecord, string | undefined][] = [];
  const reader = new SbrReader({
    file: 'test.xml',
    sink: new HashingSink(),
    handler: {
      header: () => undefined,
      record: (r, attrText) => {
        if (r.kind === 'sms') out.push([r, attrText]);
      },
      warning: () => undefined,
    },
  });
  try {
    for (let at = 0; at < data.length; at += chunkSize) reader.push(data.subarray(at, at + chunkSize));
    reader.end();
  } catch {
    // a damaged fixture: the records before the damage
  }
  return out;
}

/** The SMS of a file (a damaged fixture's up to its damage). */
function smsOf(data: Buffer): SmsRecord[] {
  const { records } = readBuffer(data);
  return records.filter((r: ArchiveRecord): r is SmsRecord => r.kind === 'sms');
}

async function benchFile(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of smsBackupChunks({ seed: 5, sms: 3_000, mms: 0 })) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('attribute text', async () => {
  const files = [
    ...fs.readdirSync(SBR_FIXTURES).map((n) => fs.readFileSync(path.join(SBR_FIXTURES, n))),
    ...[1, 2, 3, 4].map((seed) => Buffer.from(generateMessages(seed, 300))),
    // Realistic text, with bodies in many scripts, emoji and line breaks (the benchmark's).
    await benchFile(),
  ];

  it('is what the writer writes for the same attributes, and reads back to them', async () => {
    let rendered = 0;
    for (const data of files) {
      const sms = smsOf(data);
      const written = await writtenAttributes(sms);
      sms.forEach((r, i) => {
        const text = renderAttributeText(r.attrs);
        if (text === undefined) return;
        rendered++;
        expect(text).toBe(written[i]);
        expect(parseAttributeText(text)).toEqual(r.attrs);
      });
    }
    expect(rendered).toBeGreaterThan(3_000);
  });

  it('comes from the reader, from the tag as the file has it, only where that is exactly the rendered text', () => {
    let plain = 0;
    let withReferences = 0;
    let rendered = 0;
    for (const data of files) {
      for (const [r, attrText] of smsWithText(data)) {
        if (attrText === undefined) {
          // What only the values one by one can give (or nothing can).
          if (renderAttributeText(r.attrs) !== undefined) rendered++;
          continue;
        }
        expect(attrText).toBe(renderAttributeText(r.attrs));
        if (r.attrs.some(([, v]) => /[&<>"\t\n\r]|[\u{10000}-\u{10ffff}]/u.test(v))) withReferences++;
        else plain++;
      }
    }
    // Both kinds are there: plain tags and tags whose references the text writes its own way.
    expect(plain).toBeGreaterThan(2_000);
    expect(withReferences).toBeGreaterThan(500);
    expect(rendered).toBeGreaterThan(0);
  });

  it('is there for nearly every SMS of a backup that mixes shapes, single-quoted values and tags cut by the end of a chunk', async () => {
    const data = await benchFile();
    const text = data.toString('utf8');
    // The benchmark's SMS write a value holding `"` in single quotes, as the app does.
    expect(text.match(/<sms [^>]*='/g)?.length).toBeGreaterThan(200);
    // Two shapes taking turns (a phone's sent and received SMS, or two app versions), a few tags at a time.
    const shapes = Array.from({ length: 600 }, (_, n) =>
      n % 7 < 3
        ? `  <sms address="+1555000${n % 10}" date="${1_600_000_000_000 + n}" type="1" body="m${n} &amp; &quot;q&quot;" read="1" contact_name="Ann" />\n`
        : `  <sms address="+1555000${n % 10}" date="${1_600_000_000_000 + n}" type="2" body='m${n} "q"' read="1" />\n`,
    );
    const mixed = Buffer.from(`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="600">\n${shapes.join('')}</smses>\n`);
    for (const file of [data, mixed]) {
      const whole = smsWithText(file);
      for (const chunkSize of [file.length, 16 * 1024, 4093, 997, 211]) {
        const read = smsWithText(file, chunkSize);
        expect(read.map(([r]) => r.attrs)).toEqual(whole.map(([r]) => r.attrs));
        // Only the first tags of each shape, before it has a regular expression, are read without.
        expect(read.filter(([, t]) => t === undefined).length).toBeLessThan(10);
        for (const [r, attrText] of read) if (attrText !== undefined) expect(attrText).toBe(renderAttributeText(r.attrs));
      }
    }
  });

  it('from a tag as the file has it: each reference, line break and > written as the text writes its character', () => {
    const cases: [string, string | undefined][] = [
      [' body="plain" x=""', ' body="plain" x=""'],
      [' body="a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;&#39;"', ' body="a &amp; b &lt; c &gt; d &quot;e&quot; \'f\'\'"'],
      [' body="line&#10;break&#13;&#10;tab&#9;" x="&#xA;"', ' body="line&#10;break&#13;&#10;tab&#9;" x="&#10;"'],
      // Surrogate references as old app versions wrote emoji, and a character beyond the BMP.
      [' body="&#55357;&#56832; &#128512; &#x1F600; &#233;"', ' body="😀 😀 😀 é"'],
      [' body="&#55357; lone"', undefined],
      [' body="&#56832;"', undefined],
      [' body="&#55357;&#65;"', undefined],
      [' body="&#0;"', undefined],
      [' body="&#1;"', undefined],
      [' body="&#65535;"', undefined],
      [' body="&bogus;"', undefined],
      [' body="a > b &amp; c"', ' body="a &gt; b &amp; c"'],
      [' body="raw\nline\r\n\ttab"', ' body="raw&#10;line&#13;&#10;&#9;tab"'],
      [' body="raw \u0001"', undefined],
      [' body="raw \uffff"', undefined],
    ];
    for (const [raw, text] of cases) expect(attributeTextOfTag(raw), raw).toBe(text);
  });

  it('escapes and restores every character that needs it', () => {
    const attrs: Attrs = [
      ['body', 'a & b < c > d "e" \'f\'\tg\nh\r\ni &amp; 😀'],
      ['empty', ''],
      ['subject', 'null'],
    ];
    const text = renderAttributeText(attrs);
    expect(text).toBe(' body="a &amp; b &lt; c &gt; d &quot;e&quot; \'f\'&#9;g&#10;h&#13;&#10;i &amp;amp; 😀" empty="" subject="null"');
    expect(parseAttributeText(text ?? '')).toEqual(attrs);
    expect(renderAttributeText([])).toBe('');
    expect(parseAttributeText('')).toEqual([]);
  });

  it('cannot hold what the writer would have to change or refuse', () => {
    for (const attrs of [
      [['body', 'lone \ud83d surrogate']],
      [['body', 'control \u0001']],
      [['body', 'not a character \uffff']],
      [['1name', 'x']],
      [['body', 'a'], ['body', 'b']],
    ] as Attrs[]) {
      expect(renderAttributeText(attrs), JSON.stringify(attrs)).toBeUndefined();
    }
  });

  it('60,000 attributes are checked for repeated names in time in proportion (pair by pair: 3 s for 20,000)', async () => {
    const attrs: Attrs = Array.from({ length: 60_000 }, (_, i) => [`a${i}`, String(i)] as const);
    let text: string | undefined;
    const ms = await cpuMs(() => {
      text = renderAttributeText(attrs);
    });
    expect(text?.startsWith(' a0="0" a1="1"')).toBe(true);
    expect(renderAttributeText([...attrs, ['a7', 'again']])).toBeUndefined();
    expect(ms).toBeLessThan(1500);
  });
});
