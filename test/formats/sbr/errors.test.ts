import { describe, expect, it } from 'vitest';
import { MalformedBackupError, NotABackupError } from '../../../src/formats/errors.js';
import { SbrReader } from '../../../src/formats/sbr/reader.js';
import { type Chunking, HashingSink, SBR_FIXTURES, fixture, readBuffer, seeded } from './helpers.js';

function errorOf(xml: string | Buffer, chunking: Chunking = 'whole'): unknown {
  const data = typeof xml === 'string' ? Buffer.from(xml) : xml;
  const whole = readBuffer(data, chunking);
  const bytes = readBuffer(data, 1);
  expect(String(bytes.error)).toBe(String(whole.error));
  return whole.error;
}

function malformed(xml: string): string {
  const error = errorOf(xml);
  expect(error).toBeInstanceOf(MalformedBackupError);
  return (error as Error).message;
}

function notABackup(xml: string | Buffer): string {
  const error = errorOf(xml);
  expect(error).toBeInstanceOf(NotABackupError);
  return (error as NotABackupError).reason;
}

describe('refused XML', () => {
  it('refuses a DOCTYPE, naming where it is', () => {
    expect(malformed('<?xml version="1.0"?>\n<!DOCTYPE smses>\n<smses/>')).toBe(
      'test.xml:2:1: DOCTYPE is not allowed (no DTDs or entity expansion in backups)',
    );
    expect(malformed('<smses>\n  <sms a="1"/>\n  <!DOCTYPE x>\n</smses>')).toMatch(/^test\.xml:3:3: DOCTYPE is not allowed/);
  });

  it('refuses an entity expansion bomb before expanding anything', () => {
    const lol = ['<!ENTITY lol "lol">'];
    for (let n = 1; n < 10; n++) lol.push(`<!ENTITY lol${String(n)} "${`&lol${n === 1 ? '' : String(n - 1)};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE smses [\n ${lol.join('\n ')}\n]>\n<smses><sms body="&lol9;"/></smses>`;
    const result = readBuffer(Buffer.from(bomb));
    expect(result.error).toBeInstanceOf(MalformedBackupError);
    expect((result.error as Error).message).toMatch(/^test\.xml:2:1: DOCTYPE is not allowed/);
    expect(result.records).toEqual([]);
  });

  it('refuses undefined entities and malformed references', () => {
    expect(malformed('<smses>\n<sms body="a &nbsp; b"/></smses>')).toBe('test.xml:2:14: undefined entity "&nbsp;"');
    expect(malformed('<smses><sms body="fish & chips"/></smses>')).toMatch(/^test\.xml:1:24: undefined entity: "& chips"/);
    expect(malformed('<smses><sms body="&#xZZ;"/></smses>')).toMatch(/undefined entity "&#xZZ;"/);
    expect(malformed('<smses><sms body="&#1114112;"/></smses>')).toMatch(/undefined entity "&#1114112;"/);
    expect(malformed('<smses><mms><parts><part data="QUJD&bogus;"/></parts></mms></smses>')).toBe(
      'test.xml:1:36: undefined entity "&bogus;"',
    );
    // Also in elements that are skipped.
    expect(malformed('<smses><x a="1"/><x a="1"/><x a="1"/><x a="&y;"/></smses>')).toBe('test.xml:1:44: undefined entity "&y;"');
  });

  it('refuses "<" in values, bad nesting, duplicates and missing quotes', () => {
    expect(malformed('<smses><sms body="a<b"/></smses>')).toBe('test.xml:1:20: "<" is not allowed in an attribute value');
    expect(malformed('<smses><mms><parts></mms></smses>')).toBe(
      'test.xml:1:20: mismatched end tag </mms>: <parts> opened at 1:13 is still open',
    );
    expect(malformed('<smses><sms a="1" b="2" a="3"/></smses>')).toBe('test.xml:1:25: duplicate attribute "a" on <sms>');
    expect(malformed('<smses><sms a=1/></smses>')).toBe('test.xml:1:15: value of attribute "a" is not in quotes');
    expect(malformed('<smses><sms a="1"b="2"/></smses>')).toBe('test.xml:1:18: expected whitespace between attributes');
    expect(malformed('<smses></smses><smses/>')).toBe('test.xml:1:16: element after the end of the root element');
    expect(malformed(`<smses>${'<x>'.repeat(300)}`)).toBe('test.xml:1:773: elements nested more than 256 deep');
  });

  it('delivers the records before the damage, then stops', () => {
    const result = readBuffer(Buffer.from('<smses><sms a="1"/><sms a="2"/><sms a="&x;"/><sms a="4"/></smses>'));
    expect(result.error).toBeInstanceOf(MalformedBackupError);
    expect(result.records.map((r) => r.attrs[0]?.[1])).toEqual(['1', '2']);
  });
});

describe('truncated files', () => {
  const sample = fixture(SBR_FIXTURES, 'mms-media.xml');
  const small = fixture(SBR_FIXTURES, 'sms-threads.xml');
  const full = [readBuffer(sample).records, readBuffer(small).records];

  /** Records complete before `cut`: their end tag lies within it. */
  function completeBefore(data: Buffer, cut: number): number {
    const text = data.subarray(0, cut).toString('latin1');
    return (text.match(/<sms [^>]*\/>/g)?.length ?? 0) + (text.match(/<\/mms>/g)?.length ?? 0);
  }

  const cuts = (data: Buffer): number[] => {
    const random = seeded(data.length);
    const at = [1, 60, 120, 200];
    for (let n = 0; n < 12; n++) at.push(200 + Math.floor(random() * (data.length - 210)));
    // Inside a data value, a name, a comment, an entity, and just before the final end tag.
    for (const mark of ['data="iVBOR', '<mms da', '<!-- A vi', '&#10;- egg', '</smses>']) {
      const i = data.indexOf(mark);
      if (i !== -1) at.push(i + mark.length - 2);
    }
    return at;
  };

  it.each([
    ['mms-media.xml', sample, 0],
    ['sms-threads.xml', small, 1],
  ] as const)('%s cut anywhere: an error with line and column, after the complete records', (_name, data, which) => {
    for (const cut of cuts(data)) {
      const result = readBuffer(data.subarray(0, cut), 7);
      expect(result.error, `cut at ${String(cut)}`).toBeInstanceOf(MalformedBackupError);
      const error = result.error as MalformedBackupError;
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.reason).toMatch(/^truncated file: it ends (inside|before)/);
      expect(result.records).toEqual(full[which]?.slice(0, completeBefore(data, cut)));
      expect(result.sink.open).toBe(0);
    }
  });

  it('names what was open and where it started', () => {
    const cutInData = sample.subarray(0, sample.indexOf('data="iVBOR') + 12);
    const inData = readBuffer(cutInData).error as MalformedBackupError;
    expect(inData.message).toBe(
      'test.xml:7:76: truncated file: it ends inside the value of attribute "data" of <part>, which starts here; ' +
        'open elements: <smses> (3:1) > <mms> (5:3) > <parts> (6:5) > <part> (7:7)',
    );
    const inComment = readBuffer(sample.subarray(0, sample.indexOf('<!-- A vi') + 6)).error as Error;
    expect(inComment.message).toMatch(/^test\.xml:15:3: truncated file: it ends inside a comment, which starts here/);
    const inTag = readBuffer(Buffer.from('<smses>\n <sms a="1" b')).error as Error;
    expect(inTag.message).toMatch(/^test\.xml:2:2: truncated file: it ends inside the start tag <sms>/);
    const noRoot = readBuffer(Buffer.from('<?xml version="1.0"?>\n')).error as Error;
    expect(noRoot.message).toBe('test.xml:2:1: truncated file: it ends before its root element');
  });

  it('aborts the media being written', () => {
    const data = Buffer.from(`<smses><mms><parts><part data="${'QUJD'.repeat(200_000)}"/></parts></mms></smses>`);
    const result = readBuffer(data.subarray(0, 500_000), 4096);
    expect(result.error).toBeInstanceOf(MalformedBackupError);
    expect(result.sink.aborted).toBe(1);
    expect(result.sink.open).toBe(0);
  });
});

describe('files that are not backups', () => {
  it('says so for HTML, JSON, archives, binary junk and empty files', () => {
    expect(notABackup('<!DOCTYPE html>\n<html><body>Hi</body></html>')).toBe('it is an HTML document');
    expect(notABackup('\n<html lang="en"><body/></html>')).toBe('root element is <html>, expected <smses> or <calls>');
    expect(notABackup('{"messages": []}')).toBe('file does not start with XML (it looks like JSON)');
    expect(notABackup(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]))).toBe('it is a ZIP archive (unzip it first)');
    expect(notABackup(Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x73, 0x00]))).toBe('file does not start with XML');
    expect(notABackup('')).toBe('file is empty');
    expect(notABackup(' \n\t ')).toBe('file is empty');
    expect(notABackup('<?xml version="1.0"?><rss version="2.0"></rss>')).toBe('root element is <rss>, expected <smses> or <calls>');
  });

  it('says so for random binary data, whatever its first bytes', () => {
    const random = seeded(42);
    for (let n = 0; n < 50; n++) {
      const junk = Buffer.alloc(2000);
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      if (n % 2 === 0) junk[0] = 0x3c; // "<" first: still no backup.
      const error = readBuffer(junk).error;
      expect(error).toBeInstanceOf(NotABackupError);
    }
  });
});

describe('SbrReader', () => {
  it('aborts the open MediaWriter on an error in the middle of a value, and refuses more input', () => {
    const sink = new HashingSink();
    const reader = new SbrReader({
      file: 'x.xml',
      sink,
      handler: { header: () => undefined, record: () => undefined, warning: () => undefined },
    });
    reader.push(Buffer.from(`<smses><mms><parts><part ct="image/png" data="${'QUJD'.repeat(100_000)}`));
    expect(sink.open).toBe(1);
    expect(() => {
      reader.push(Buffer.from('QUJD<part/>'));
    }).toThrow(MalformedBackupError);
    expect(sink.open).toBe(0);
    expect(sink.aborted).toBe(1);
    expect(() => {
      reader.end();
    }).toThrow(/after an error/);
  });
});
