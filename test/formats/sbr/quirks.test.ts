import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../../../src/formats/limits.js';
import { MAX_RAW_DAMAGED_DATA, attr } from '../../../src/formats/records.js';
import { type ReadResult, readBuffer, recordsOf, sha256 } from './helpers.js';

/** Reads `xml` whole and byte by byte; both must agree. Returns the whole read. */
function read(xml: string): ReadResult {
  const data = Buffer.from(xml);
  const whole = readBuffer(data);
  const bytes = readBuffer(data, 1);
  expect(bytes.records).toEqual(whole.records);
  expect(bytes.warnings).toEqual(whole.warnings);
  expect(String(bytes.error)).toEqual(String(whole.error));
  return whole;
}

const smses = (body: string): string => `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="1">\n${body}\n</smses>\n`;

function bodyOf(xml: string): string | undefined {
  const result = read(smses(xml));
  expect(result.error).toBeUndefined();
  return attr(result.records[0]?.attrs ?? [], 'body');
}

function codes(result: ReadResult): string[] {
  return result.warnings.map((w) => `${w.code} ${w.line}:${w.column}`);
}

describe('character references', () => {
  it('joins a surrogate pair written as two references, in any radix', () => {
    expect(bodyOf('<sms body="&#55357;&#56832;|&#xD83D;&#xDE00;|&#55357;&#xde00;" />')).toBe('😀|😀|😀');
  });

  it('reads one reference beyond the BMP and raw UTF-8 alike', () => {
    expect(bodyOf('<sms body="&#128516;&#x1F604;😄" />')).toBe('😄😄😄');
  });

  it('replaces lone surrogates with U+FFFD and warns about each', () => {
    const result = read(smses('<sms body="a&#55357;b&#56832;c&#55357;&#65;&#55357;" />'));
    expect(attr(result.records[0]?.attrs ?? [], 'body')).toBe('a\uFFFDb\uFFFDc\uFFFDA\uFFFD');
    expect(codes(result)).toEqual(['lone-surrogate 3:13', 'lone-surrogate 3:22', 'lone-surrogate 3:31', 'lone-surrogate 3:44']);
  });

  it('replaces &#0; with U+FFFD and warns', () => {
    const result = read(smses('<sms body="x&#0;y" />'));
    expect(attr(result.records[0]?.attrs ?? [], 'body')).toBe('x\uFFFDy');
    expect(codes(result)).toEqual(['nul-character 3:13']);
  });

  it('decodes the five predefined entities and newline references', () => {
    expect(bodyOf('<sms body="&lt;&gt;&amp;&quot;&apos;&#10;&#13;&#10;&#9;" />')).toBe('<>&"\'\n\r\n\t');
  });
});

describe('values', () => {
  it('reads single quotes holding double quotes, and &apos;', () => {
    expect(bodyOf(`<sms body='say "hi" &apos;there&apos;' />`)).toBe(`say "hi" 'there'`);
  });

  it('keeps raw newlines, carriage returns and tabs inside values as they are', () => {
    expect(bodyOf('<sms body="line 1\nline 2\r\n\tend" />')).toBe('line 1\nline 2\r\n\tend');
  });

  it('keeps raw ">" and whitespace around "="', () => {
    expect(bodyOf('<sms\n   body =\t"a > b" />')).toBe('a > b');
  });

  it('keeps "null", "" and absent apart, and every attribute in source order', () => {
    const result = read(smses('<sms subject="null" body="" x_samsung="1" address="+1" sim_slot="0" />'));
    const attrs = result.records[0]?.attrs ?? [];
    expect(attrs).toEqual([
      ['subject', 'null'],
      ['body', ''],
      ['x_samsung', '1'],
      ['address', '+1'],
      ['sim_slot', '0'],
    ]);
    expect(attr(attrs, 'date')).toBeUndefined();
  });

  it('tracks lines across raw newlines in values', () => {
    const result = read(smses('<sms body="1\n2\n3" />\n  <sms body="x" />'));
    expect(result.records.map((r) => [r.position.line, r.position.column])).toEqual([
      [3, 1],
      [6, 3],
    ]);
  });

  it('reads a value longer than a chunk, and refuses one over the tag limit (8 MiB)', () => {
    const sink = readLong(9 * 1024 * 1024);
    expect(sink.error).toBeInstanceOf(LimitExceededError);
    expect((sink.error as Error).message).toMatch(/^test\.xml: the start tag <sms> at 1:8 holds more than 8 MiB of attribute text, over the limit of 8 MiB \(setting import\.max-tag-size\)/);
    expect(readLong(3 * 1024 * 1024).records[0]?.attrs[0]?.[1].length).toBe(3 * 1024 * 1024);
  });
});

function readLong(length: number): ReadResult {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  const parts = [Buffer.from('<smses><sms body="')];
  for (let n = 0; n < length / chunk.length; n++) parts.push(chunk);
  parts.push(Buffer.from('" /></smses>'));
  return readBuffer(Buffer.concat(parts), 256 * 1024);
}

describe('structure', () => {
  it('keeps interleaved sms and mms in file order, counting each kind apart', () => {
    const result = read(
      smses('<sms body="1"/><mms m="1"><parts/></mms><sms body="2"/><mms m="2"><parts/></mms><sms body="3"/>'),
    );
    expect(result.records.map((r) => `${r.kind}${String(r.position.index)}`)).toEqual(['sms0', 'mms0', 'sms1', 'mms1', 'sms2']);
  });

  it('tells an MMS without <addrs> (null) from one with an empty <addrs>', () => {
    const result = read(smses('<mms><parts></parts></mms><mms><parts/><addrs></addrs></mms><mms><addrs><addr a="1"/></addrs></mms>'));
    expect(recordsOf(result, 'mms').map((m) => m.addrs)).toEqual([null, [], [{ attrs: [['a', '1']] }]]);
  });

  it('ignores a wrong count attribute', () => {
    const result = read('<smses count="5"><sms a="1"/><sms a="2"/></smses>');
    expect(result.records.length).toBe(2);
    expect(result.header?.rootAttrs).toEqual([['count', '5']]);
  });

  it('reads a calls backup, its creator comment and a root with no records', () => {
    const calls = read('<!--File Created By SMS Backup & Restore v10.2 on 01/02/2024-->\n<calls count="1"><call number="+1" duration="12"/></calls>');
    expect(calls.header).toEqual({
      content: 'calls',
      rootAttrs: [['count', '1']],
      creator: 'File Created By SMS Backup & Restore v10.2 on 01/02/2024',
    });
    expect(calls.records[0]).toEqual({ kind: 'call', attrs: [['number', '+1'], ['duration', '12']], position: { line: 2, column: 18, index: 0 } });
    expect(read('<smses count="0"/>').header?.content).toBe('messages');
  });

  it('skips unknown elements with their subtree, and misplaced records, with warnings', () => {
    const result = read(
      smses(
        '<sms a="1"><extra x="1"/></sms><thread><sms a="hidden"/></thread><call n="1"/>' +
          '<mms><parts><part ct="image/png" data="AAAA"><meta data="QUJD"/></part><junk data="AAAA"/></parts><sig/></mms>',
      ),
    );
    expect(result.records.map((r) => r.kind)).toEqual(['sms', 'mms']);
    expect(result.warnings.map((w) => w.message)).toEqual([
      '<extra> inside <sms> skipped',
      '<thread> inside <smses> skipped',
      '<call> inside <smses> skipped',
      '<meta> inside <part> skipped',
      '<junk> inside <parts> skipped',
      '<sig> inside <mms> skipped',
    ]);
    expect(result.warnings.every((w) => w.code === 'unknown-element')).toBe(true);
    expect(result.sink.finished.length).toBe(1);
    const calls = read('<calls><sms a="1"/><call n="1"/></calls>');
    expect(calls.warnings.map((w) => w.message)).toEqual(['<sms> inside <calls> skipped']);
  });

  it('warns about text between elements and CDATA, and skips comments and instructions', () => {
    const result = read(smses('oops <sms a="1"/><![CDATA[x]]><!-- note --><?pi x?>\n<sms a="2"/>'));
    expect(result.records.length).toBe(2);
    expect(codes(result)).toEqual(['stray-text 3:1', 'stray-text 3:18']);
  });

  it('reads tags of a repeated shape, and every variation of it, like any other tag', () => {
    const same = '<sms a="1" b="x" c="2" />\n'.repeat(5);
    const variants = [
      '<sms a="1" b="x &amp; y" c="2" />',
      "<sms a='1' b=\"x\" c='2' />",
      '<sms a="1" b="x" c="2" d="3" />',
      '<sms a="1" c="2" />',
      '<sms a="1"  b="x"\tc="2">\n</sms>',
      '<sms a="1" b="line\nbreak" c="2"/>',
      '<sms a="1" b="x" c="&#55357;&#56832;" />',
    ];
    const result = read(smses(same + variants.join('\n')));
    expect(result.error).toBeUndefined();
    expect(result.records.slice(5).map((r) => r.attrs)).toEqual([
      [['a', '1'], ['b', 'x & y'], ['c', '2']],
      [['a', '1'], ['b', 'x'], ['c', '2']],
      [['a', '1'], ['b', 'x'], ['c', '2'], ['d', '3']],
      [['a', '1'], ['c', '2']],
      [['a', '1'], ['b', 'x'], ['c', '2']],
      [['a', '1'], ['b', 'line\nbreak'], ['c', '2']],
      [['a', '1'], ['b', 'x'], ['c', '😀']],
    ]);
    const broken = read(smses(same + '<sms a="1" b="x<y" c="2" />'));
    expect((broken.error as Error).message).toBe('test.xml:8:16: "<" is not allowed in an attribute value');
    const duplicate = read(smses(same + '<sms a="1" b="x" a="2" />'));
    expect((duplicate.error as Error).message).toBe('test.xml:8:18: duplicate attribute "a" on <sms>');
  });

  it('reads elements with content and end tags', () => {
    const result = read(smses('<sms a="1">\n</sms >'));
    expect(result.records[0]?.attrs).toEqual([['a', '1']]);
  });
});

describe('media', () => {
  const mms = (parts: string): string => smses(`<mms date="1"><parts>${parts}</parts></mms>`);

  it('stores base64 with &#10; line breaks and raw whitespace as the decoded bytes', () => {
    const bytes = Buffer.from('The quick brown fox jumps over the lazy dog, twice over.');
    const wrapped = (bytes.toString('base64').match(/.{1,8}/g) ?? []).join('&#10;\n ');
    const result = read(mms(`<part ct="image/png" data="${wrapped}" cl="a.png"/>`));
    const part = recordsOf(result, 'mms')[0]?.parts[0];
    expect(part?.media).toEqual({ sha256: sha256(bytes), size: bytes.length });
    expect(part?.attrs).toEqual([['ct', 'image/png'], ['data', ''], ['cl', 'a.png']]);
    expect(part?.damage).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('marks empty data, warning only when the part is not text or SMIL', () => {
    const result = read(
      mms('<part ct="text/plain" text="hi" data=""/><part ct="application/smil" data=""/><part ct="image/jpeg" data=" "/>'),
    );
    const parts = recordsOf(result, 'mms')[0]?.parts ?? [];
    expect(parts.map((p) => [p.damage, p.media, p.rawData])).toEqual([
      ['empty', undefined, ''],
      ['empty', undefined, ''],
      ['empty', undefined, ' '],
    ]);
    expect(codes(result)).toEqual(['media-empty 3:100']);
    expect(result.sink.open + result.sink.finished.length + result.sink.aborted).toBe(0);
  });

  it.each([
    ['a bad character', 'QUJD!REVG', 'QUJD', 'ABC'],
    ['"=" before the end', 'QUI=QUJD', 'QUI=', 'AB'],
    ['too much padding', 'QQ===', 'QQ==', 'A'],
    ['a length of 4n+1', 'QUJDR', 'QUJD', 'ABC'],
    ['padding at a bad length', 'QUJ==', 'QUJ', 'AB'],
    ['an entity other than whitespace', 'QUJD&amp;', 'QUJD', 'ABC'],
  ])('marks data with %s corrupt, keeps it verbatim and stores the valid prefix', (_name, data, prefix, decoded) => {
    const result = read(mms(`<part ct="image/gif" data="${data}"/>`));
    const part = recordsOf(result, 'mms')[0]?.parts[0];
    expect(Buffer.from(prefix, 'base64').toString()).toBe(decoded);
    expect(part?.damage).toBe('corrupt');
    expect(part?.rawData).toBe(data.replace('&amp;', '&'));
    expect(part?.media).toEqual({ sha256: sha256(Buffer.from(decoded)), size: decoded.length });
    expect(result.warnings.map((w) => w.code)).toEqual(['media-corrupt']);
  });

  it('keeps corrupt data verbatim only up to MAX_RAW_DAMAGED_DATA characters', () => {
    const short = 'A'.repeat(MAX_RAW_DAMAGED_DATA - 5) + '!';
    const long = 'A'.repeat(MAX_RAW_DAMAGED_DATA) + '!';
    const result = readBuffer(Buffer.from(mms(`<part data="${short}"/><part data="${long}"/>`)));
    const parts = recordsOf(result, 'mms')[0]?.parts ?? [];
    expect(parts.map((p) => [p.damage, p.rawData?.length])).toEqual([
      ['corrupt', short.length],
      ['corrupt', undefined],
    ]);
  });

  it('keeps a data attribute outside <part> as an ordinary attribute', () => {
    const result = read(smses('<sms data="QUJD" />'));
    expect(result.records[0]?.attrs).toEqual([['data', 'QUJD']]);
  });
});
