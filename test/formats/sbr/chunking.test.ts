import { describe, expect, it } from 'vitest';
import { generateMessages } from './generate.js';
import { type Chunking, DEDUP_FIXTURES, SBR_FIXTURES, fixture, readBuffer } from './helpers.js';
import { plain } from './normalize.js';

const CHUNKINGS: Chunking[] = [1, 2, 3, 7, 13, 64, 1000, { random: 1, max: 20 }, { random: 2, max: 5000 }];

/** Everything a read produces, in a form that compares across chunkings. */
function outcome(data: Buffer, chunking: Chunking): unknown {
  const result = readBuffer(data, chunking);
  return {
    header: result.header,
    records: result.records,
    plain: plain(result.records),
    warnings: result.warnings,
    error: result.error instanceof Error ? result.error.message : result.error,
    media: result.sink.finished,
  };
}

describe('chunk boundaries', () => {
  const files = {
    'google-messages-truncated.xml': fixture(SBR_FIXTURES, 'google-messages-truncated.xml'),
    'mms-media.xml': fixture(SBR_FIXTURES, 'mms-media.xml'),
    'corrupt-base64.xml': fixture(SBR_FIXTURES, 'corrupt-base64.xml'),
    'utf16-surrogates.xml': fixture(DEDUP_FIXTURES, 'utf16-surrogates.xml'),
    'different-smil.xml': fixture(DEDUP_FIXTURES, 'different-smil.xml'),
    generated: Buffer.from(generateMessages(7, 120)),
    'quirks (BOM, CRLF, lone surrogates, invalid UTF-8)': Buffer.concat([
      Buffer.from('\uFEFF<?xml version="1.0"?>\r\n<!--File Created By test-->\r\n<smses>\r\n'),
      Buffer.from('<sms body="a&#55357;&#56832;b &#55357;x &#0; é€😀 &#x1F600;" y=\'"\' />\r\n'),
      Buffer.from([0x3c, 0x73, 0x6d, 0x73, 0x20, 0x62, 0x3d, 0x22, 0xc3, 0x28, 0xe2, 0x82, 0x22, 0x2f, 0x3e]),
      Buffer.from('\r\n<mms><parts><part ct="image/gif" data="R0lG&#10;ODlh"/></parts></mms></smses>\r\n'),
    ]),
  };

  it.each(Object.entries(files))('%s reads the same in any chunks', (_name, data) => {
    const whole = outcome(data, 'whole');
    for (const chunking of CHUNKINGS) expect(outcome(data, chunking)).toEqual(whole);
  });

  it('the quirks file reads as intended', () => {
    const result = readBuffer(files['quirks (BOM, CRLF, lone surrogates, invalid UTF-8)'], 1);
    expect(result.error).toBeUndefined();
    expect(result.header?.creator).toBe('File Created By test');
    expect(result.records[0]?.attrs).toEqual([
      ['body', 'a😀b \uFFFDx \uFFFD é€😀 😀'],
      ['y', '"'],
    ]);
    expect(result.records[1]?.attrs).toEqual([['b', '\uFFFD(\uFFFD']]);
    expect(result.warnings.map((w) => `${w.code} ${w.line}:${w.column}`)).toEqual([
      'lone-surrogate 4:31',
      'nul-character 4:41',
      'invalid-utf8 5:9',
    ]);
  });
});
