/**
 * The project's own sample backups (test/fixtures/README.md): every case the reader must handle,
 * read with the outcomes the README gives. The third-party samples get the same checks in
 * test/conformance/ when they are there.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { attr } from '../../../src/formats/records.js';
import { DEDUP_FIXTURES, SBR_FIXTURES, countTags, fixture, readBuffer, recordsOf, sha256 } from './helpers.js';

const ALL = [
  ...readdirSync(SBR_FIXTURES).map((name) => ({ dir: SBR_FIXTURES, name })),
  ...readdirSync(DEDUP_FIXTURES).map((name) => ({ dir: DEDUP_FIXTURES, name })),
].filter((f) => f.name.endsWith('.xml'));

describe('own fixtures', () => {
  it('are all there', () => {
    expect(ALL.length).toBe(19);
  });

  it.each(ALL)('$name reads with the counts its tags give', ({ dir, name }) => {
    const data = fixture(dir, name);
    const xml = data.toString('utf8');
    const result = readBuffer(data, 'whole', name);
    // google-messages-truncated.xml is cut short: only the records before the cut count.
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

describe('google-messages-truncated.xml', () => {
  const data = fixture(SBR_FIXTURES, 'google-messages-truncated.xml');
  const result = readBuffer(data, 'whole', 'google-messages-truncated.xml');
  const sms = recordsOf(result, 'sms');
  const mms = recordsOf(result, 'mms');

  it('is cut short: an error says where, after the complete records', () => {
    // The file ends after the first part of its 9th <mms>: count="24" promised more.
    expect(result.error).toBeInstanceOf(MalformedBackupError);
    expect((result.error as Error).message).toBe(
      'google-messages-truncated.xml:102:5: truncated file: it ends inside element <parts>, which starts here; ' +
        'open elements: <smses> (3:1) > <mms> (101:3) > <parts> (102:5)',
    );
    expect([sms.length, mms.length]).toEqual([8, 8]);
  });

  it('reads the header and the creator-less prolog', () => {
    expect(result.header?.rootAttrs).toEqual([
      ['count', '24'],
      ['backup_set', 'c0ffee00-1234-4abc-9def-0123456789ab'],
      ['backup_date', '1727776800000'],
      ['type', 'full'],
    ]);
    expect(result.header?.creator).toBeUndefined();
  });

  it('decodes &#10; into newlines and keeps attribute order', () => {
    const fifth = sms[4];
    expect(fifth && attr(fifth.attrs, 'body')).toBe('Door code:\n\nthe usual one');
    expect(fifth?.attrs.map(([name]) => name).slice(0, 4)).toEqual(['protocol', 'address', 'date', 'type']);
    expect(fifth?.position).toEqual({ line: 8, column: 3, index: 4 });
  });

  it('keeps Google Messages attributes: creator, sub_id, an RCS group address and a ~ group address', () => {
    expect(mms.every((m) => attr(m.attrs, 'creator') === 'com.google.android.apps.messaging')).toBe(true);
    expect(mms.every((m) => attr(m.attrs, 'sub_id') === '1')).toBe(true);
    expect(mms.map((m) => attr(m.attrs, 'address'))).toEqual([
      '+12025550166',
      '+12025550166',
      'group_5d1e7c0a9b@rcs.google.com',
      'group_5d1e7c0a9b@rcs.google.com',
      'group_5d1e7c0a9b@rcs.google.com',
      '+12025550166',
      '+12025550166',
      '+12025550177~+12025550188',
    ]);
    // The RCS group names its members only in <addrs>: three senders (130) and the one who wrote.
    expect(mms[2]?.addrs?.map((a) => [attr(a.attrs, 'address'), attr(a.attrs, 'type')])).toEqual([
      ['+12025550166', '130'],
      ['+12025550177', '130'],
      ['+12025550188', '130'],
      ['+12025550177', '137'],
      ['+12025550199', '151'],
    ]);
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
    expect(smil && attr(smil.attrs, 'cid')).toBe('<smil_1>');
  });

  it('counts records of each kind separately', () => {
    expect(mms.map((m) => m.position.index)).toEqual([...mms.keys()]);
    expect(sms.map((m) => m.position.index)).toEqual([...sms.keys()]);
  });
});

describe('dedup cases', () => {
  it('joins surrogate-pair references into the emoji the corrected file has', () => {
    const utf16 = readBuffer(fixture(DEDUP_FIXTURES, 'utf16-surrogates.xml'));
    const corrected = readBuffer(fixture(DEDUP_FIXTURES, 'utf16-corrected.xml'));
    const body = (r: typeof utf16): string[] => recordsOf(r, 'sms').map((s) => attr(s.attrs, 'body') ?? '');
    expect(body(utf16)).toEqual(['Well done 🎉 👍', 'Well done 🎉 👍']);
    expect(body(utf16)).toEqual(body(corrected));
    expect(utf16.warnings).toEqual([]);
  });

  it('reads single-quoted values holding double quotes', () => {
    const result = readBuffer(fixture(DEDUP_FIXTURES, 'different-smil.xml'));
    const texts = recordsOf(result, 'mms').map((m) => attr(m.parts[0]?.attrs ?? [], 'text'));
    expect(texts[2]).toBe('<?xml version="1.0" encoding="UTF-8"?><smil><body/></smil>');
    expect(texts[4]).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<smil><body/></smil>');
  });

  it('keeps CRLF references and leading spaces exactly', () => {
    const result = readBuffer(fixture(DEDUP_FIXTURES, 'multi-file-whitespace-2.xml'));
    expect(attr(recordsOf(result, 'sms')[0]?.attrs ?? [], 'body')).toBe('  First  line\r\nSecond line ');
  });

  it('reads attributes spread over several lines', () => {
    const result = readBuffer(fixture(DEDUP_FIXTURES, 'multiple-duplicates.xml'));
    const first = recordsOf(result, 'sms')[0];
    expect(first?.attrs).toEqual([
      ['protocol', '0'],
      ['address', '+13125550142'],
      ['date', '1650000000000'],
      ['type', '1'],
      ['subject', 'null'],
      ['body', 'See you at the station'],
    ]);
    expect(first?.position).toEqual({ line: 3, column: 3, index: 0 });
  });
});

describe('small cases', () => {
  it('reads an empty backup, and the creator its comment names', () => {
    const result = readBuffer(fixture(SBR_FIXTURES, 'empty.xml'));
    expect(result.error).toBeUndefined();
    expect(result.records).toEqual([]);
    expect(result.header?.rootAttrs[0]).toEqual(['count', '0']);
    expect(result.header?.creator).toContain('SMS Backup & Restore v10.20.002');
  });

  it('keeps corrupt attachments verbatim, stores what decodes, and warns', () => {
    const result = readBuffer(fixture(SBR_FIXTURES, 'corrupt-base64.xml'));
    const parts = recordsOf(result, 'mms').map((m) => m.parts[0]);
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part?.damage).toBe('corrupt');
      expect(part?.rawData).toBe('/9j/#### this is no base64 ####');
      // "/9j/" is the valid prefix: three bytes.
      expect(part?.media).toEqual({ sha256: sha256(Buffer.from('/9j/', 'base64')), size: 3 });
    }
    expect(result.warnings.map((w) => [w.code, w.line])).toEqual([
      ['media-corrupt', 7],
      ['media-corrupt', 18],
    ]);
  });

  it('decodes every media type of the sample', () => {
    const data = fixture(SBR_FIXTURES, 'mms-media.xml');
    const result = readBuffer(data);
    const expected = [...data.toString('utf8').matchAll(/data="([^"]*)"/g)].map((m) => Buffer.from(m[1] ?? '', 'base64'));
    expect(expected).toHaveLength(4);
    const media = recordsOf(result, 'mms').flatMap((m) => m.parts.flatMap((p) => (p.media ? [p.media] : [])));
    expect(media).toEqual(expected.map((bytes) => ({ sha256: sha256(bytes), size: bytes.length })));
    expect(result.warnings).toEqual([]);
  });
});
