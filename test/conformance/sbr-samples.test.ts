/**
 * The SBR reader on third-party samples (samples.ts): real app output and small hand-made cases,
 * the same checks test/formats/sbr/fixtures.test.ts makes on the project's own fixtures.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../src/formats/errors.js';
import { attr } from '../../src/formats/records.js';
import { countTags, readBuffer, recordsOf, sha256 } from '../formats/sbr/helpers.js';
import { DEDUP_SAMPLES, noSamples, SBR_SAMPLES, sample, sampleNames } from './samples.js';

const skip = noSamples();
const SBR_FIXTURES = SBR_SAMPLES;
const DEDUP_FIXTURES = DEDUP_SAMPLES;
// Some describe blocks read their sample while being collected, skipped or not: nothing to read then.
const fixture = (dir: string, name: string): Buffer => (skip ? Buffer.alloc(0) : readFileSync(sample(dir, name)));
const ALL = [
  ...sampleNames(SBR_FIXTURES).map((name) => ({ dir: SBR_FIXTURES, name })),
  ...sampleNames(DEDUP_FIXTURES).map((name) => ({ dir: DEDUP_FIXTURES, name })),
];

describe.skipIf(skip)('third-party samples', () => {
  it('are all there', () => {
    expect(ALL.length).toBe(19);
  });

  it.each(ALL)('$name reads with the counts its tags give', ({ dir, name }) => {
    const data = fixture(dir, name);
    const xml = data.toString('utf8');
    const result = readBuffer(data, 'whole', name);
    // sms_and_mms.xml is cut short: only the records before the cut count.
    const truncated = !xml.trimEnd().endsWith('</smses>');
    if (truncated) expect(result.error).toBeInstanceOf(MalformedBackupError);
    else expect(result.error).toBeUndefined();
    expect(result.header?.content).toBe('messages');
    const mms = recordsOf(result, 'mms');
    const completeMms = truncated ? xml.slice(0, xml.lastIndexOf('</mms>')) : xml;
    expect(recordsOf(result, 'sms').length).toBe(countTags(xml, 'sms'));
    expect(mms.length).toBe(countTags(completeMms, 'mms'));
    expect(mms.reduce((n, m) => n + m.parts.length, 0)).toBe(countTags(completeMms, 'part'));
    expect(mms.reduce((n, m) => n + (m.addrs?.length ?? 0), 0)).toBe(countTags(completeMms, 'addr'));
    expect(result.sink.open).toBe(0);
  });
});

describe.skipIf(skip)('sms_and_mms.xml', () => {
  const data = fixture(SBR_FIXTURES, 'sms_and_mms.xml');
  const result = readBuffer(data, 'whole', 'sms_and_mms.xml');
  const sms = recordsOf(result, 'sms');
  const mms = recordsOf(result, 'mms');

  it('is cut short: an error says where, after the complete records', () => {
    // The file ends after the first part of its 9th <mms>: count="58" promises 17.
    expect(result.error).toBeInstanceOf(MalformedBackupError);
    expect((result.error as Error).message).toBe(
      'sms_and_mms.xml:134:5: truncated file: it ends inside element <parts>, which starts here; ' +
        'open elements: <smses> (3:1) > <mms> (133:3) > <parts> (134:5)',
    );
    expect([sms.length, mms.length]).toEqual([41, 8]);
  });

  it('reads the header and the creator-less prolog', () => {
    expect(result.header?.rootAttrs).toEqual([
      ['count', '58'],
      ['backup_set', '97e66a20-362b-4ecb-a020-e02d9304e99e'],
      ['backup_date', '1721556032311'],
      ['type', 'full'],
    ]);
    expect(result.header?.creator).toBeUndefined();
  });

  it('decodes &#10; into newlines and keeps attribute order', () => {
    const tenth = sms[9];
    expect(tenth && attr(tenth.attrs, 'body')).toBe('Body text 10\nBody text 11\nBody text 12');
    expect(tenth?.attrs.map(([name]) => name).slice(0, 4)).toEqual(['protocol', 'address', 'date', 'type']);
    expect(tenth?.position).toEqual({ line: 13, column: 3, index: 9 });
  });

  it('stores the base64 PNG with the hash of its bytes', () => {
    const xml = data.toString('utf8');
    const base64 = /<part [^>]*ct="image\/png"[^>]*data="([^"]+)"/.exec(xml)?.[1] ?? '';
    expect(base64.length).toBeGreaterThan(50);
    const expected = Buffer.from(base64, 'base64');
    const part = mms.flatMap((m) => m.parts).find((p) => attr(p.attrs, 'ct') === 'image/png');
    expect(part?.media).toEqual({ sha256: sha256(expected), size: expected.length });
    expect(part?.damage).toBeUndefined();
    expect(part && attr(part.attrs, 'data')).toBe('');
  });

  it('decodes SMIL escaped in text and keeps "null" strings', () => {
    const smil = mms.flatMap((m) => m.parts).find((p) => attr(p.attrs, 'ct') === 'application/smil');
    expect(smil && attr(smil.attrs, 'text')).toMatch(/^<smil><head><layout><root-layout\/><region id="Text"/);
    expect(smil && attr(smil.attrs, 'name')).toBe('null');
    expect(smil && attr(smil.attrs, 'cid')).toBe('<attachment_2>');
  });

  it('counts records of each kind separately', () => {
    expect(mms.map((m) => m.position.index)).toEqual([...mms.keys()]);
    expect(sms.map((m) => m.position.index)).toEqual([...sms.keys()]);
  });
});

describe.skipIf(skip)('dedup-cases', () => {
  it('joins surrogate-pair references into the emoji the corrected file has', () => {
    const utf16 = readBuffer(fixture(DEDUP_FIXTURES, 'utf16_encoding.xml'));
    const corrected = readBuffer(fixture(DEDUP_FIXTURES, 'utf16_encoding_corrected.xml'));
    const body = (r: typeof utf16): string[] => recordsOf(r, 'sms').map((s) => attr(s.attrs, 'body') ?? '');
    expect(body(utf16)).toEqual(['Some text content here 😂', 'Some text content here 😂']);
    expect(body(utf16)).toEqual(body(corrected));
    expect(utf16.warnings).toEqual([]);
  });

  it('reads single-quoted values holding double quotes', () => {
    const result = readBuffer(fixture(DEDUP_FIXTURES, 'different_smil_format.xml'));
    const texts = recordsOf(result, 'mms').map((m) => attr(m.parts[0]?.attrs ?? [], 'text'));
    expect(texts[2]).toBe('<?xml version="1.0" encoding="UTF-8"?><smil>OMIT;</smil>');
    expect(texts[4]).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<smil>OMIT;</smil>');
  });

  it('keeps CRLF references and leading spaces exactly', () => {
    const result = readBuffer(fixture(DEDUP_FIXTURES, 'multi_file_whitespace_part2.xml'));
    expect(attr(recordsOf(result, 'sms')[0]?.attrs ?? [], 'body')).toBe(' Line  1\r\nLine  2 ');
  });

  it('reads attributes spread over several lines', () => {
    const result = readBuffer(fixture(DEDUP_FIXTURES, 'multiple_duplicates.xml'));
    const first = recordsOf(result, 'sms')[0];
    expect(first?.attrs).toEqual([
      ['protocol', '0'],
      ['address', '+11111111111'],
      ['date', '1600000000000'],
      ['type', '1'],
      ['subject', 'null'],
      ['body', 'Some text content here'],
    ]);
    expect(first?.position).toEqual({ line: 3, column: 5, index: 0 });
  });
});

describe.skipIf(skip)('e2e fixtures', () => {
  it('reads an empty backup', () => {
    const result = readBuffer(fixture(SBR_FIXTURES, 'e2e-empty.xml'));
    expect(result.error).toBeUndefined();
    expect(result.records).toEqual([]);
    expect(result.header?.rootAttrs[0]).toEqual(['count', '0']);
  });

  it('keeps corrupt attachments verbatim, stores what decodes, and warns', () => {
    const result = readBuffer(fixture(SBR_FIXTURES, 'e2e-corrupt_attachments.xml'));
    const parts = recordsOf(result, 'mms').map((m) => m.parts[0]);
    for (const part of parts) {
      expect(part?.damage).toBe('corrupt');
      expect(part?.rawData).toBe('not-valid-base64-content!!');
      // "not" is the valid prefix: two bytes.
      expect(part?.media).toEqual({ sha256: sha256(Buffer.from('not', 'base64')), size: 2 });
    }
    expect(result.warnings.map((w) => [w.code, w.line])).toEqual([
      ['media-corrupt', 7],
      ['media-corrupt', 18],
    ]);
  });

  it('decodes every media type of the sample', () => {
    const data = fixture(SBR_FIXTURES, 'e2e-sample_mms.xml');
    const result = readBuffer(data);
    const expected = [...data.toString('utf8').matchAll(/data="([^"]*)"/g)].map((m) => Buffer.from(m[1] ?? '', 'base64'));
    const media = recordsOf(result, 'mms').flatMap((m) => m.parts.flatMap((p) => (p.media ? [p.media] : [])));
    expect(media).toEqual(expected.map((bytes) => ({ sha256: sha256(bytes), size: bytes.length })));
    expect(result.warnings).toEqual([]);
  });
});
