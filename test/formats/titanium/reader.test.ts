/**
 * The Titanium Backup reader on its own: every quirk of FORMATS.md 7.5 (ISO dates, box names,
 * plain and base64 text, inline base64 media wrapped in lines, `;`-joined thread addresses),
 * non-ASCII, any chunking, and hostile or damaged input (truncated, DOCTYPE and entities, giant
 * attributes and bodies) failing with the file, line and column.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError, NotABackupError } from '../../../src/formats/errors.js';
import { inputLimits, LimitExceededError, type InputLimits } from '../../../src/formats/limits.js';
import { PROVIDER_FIELDS } from '../../../src/formats/provider-fields.js';
import { attr, type MmsRecord, type SmsRecord } from '../../../src/formats/records.js';
import { isoToMs } from '../../../src/formats/titanium/mapping.js';
import { cpuMs } from '../../helpers/cpu-time.js';
import { readBytes, TB_FIXTURE, TB_FIXTURES } from './read.js';

const PNG = fs.readFileSync(path.join(TB_FIXTURES, 'image.png'));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const HEAD = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<threads count="1" xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages">\n<thread address="+15550100101">\n`;
const TAIL = '</thread>\n</threads>\n';
const wrap = (inner: string): string => HEAD + inner + TAIL;

async function failure(input: string | Buffer, limits?: InputLimits): Promise<Error> {
  const e = await readBytes(input, 64 * 1024, limits).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(Error);
  expect((e as Error).message.split('\n')).toHaveLength(1);
  return e as Error;
}

describe('Titanium Backup reader', () => {
  it('reads the fixture: provider columns, ISO dates to ms, boxes, plain and base64 text, inline media, thread addresses', async () => {
    const r = await readBytes(fs.readFileSync(TB_FIXTURE));
    expect(r.header).toEqual({
      content: 'messages',
      rootAttrs: [
        ['count', '3'],
        ['xmlns', 'http://www.titaniumtrack.com/ns/titanium-backup/messages'],
      ],
      creator: 'Titanium Backup',
    });
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => x.kind)).toEqual(['sms', 'sms', 'sms', 'sms', 'mms', 'mms', 'sms']);
    const [plain, base64, raw, draft, picture, group, refs] = r.records as [SmsRecord, SmsRecord, SmsRecord, SmsRecord, MmsRecord, MmsRecord, SmsRecord];
    expect(plain.attrs).toEqual([
      ['type', '1'],
      ['date', '1388656800123'],
      ['date_sent', '1388656799000'],
      ['locked', '0'],
      ['seen', '1'],
      ['read', '1'],
      ['address', '+15550100101'],
      ['service_center', '+15550109000'],
      ['body', 'Hello & welcome <3 "friend"'],
    ]);
    expect(plain.position).toEqual({ line: 5, column: 1, index: 0 });
    expect(attr(base64.attrs, 'body')).toBe('你好 😀 line one\nline two');
    expect(attr(base64.attrs, 'type')).toBe('2');
    expect(attr(raw.attrs, 'body')).toBe('Two lines\nsecond line with a tab\there');
    expect(attr(draft.attrs, 'body')).toBe('');
    expect(attr(draft.attrs, 'type')).toBe('3');
    expect(attr(refs.attrs, 'body')).toBe('Emoji as references 😀 and 🎉 and 中文');

    expect(picture.attrs).toEqual([
      ['msg_box', '1'],
      ['v', '18'],
      ['m_type', '132'],
      ['ct_t', 'application/vnd.wap.multipart.related'],
      ['date', '1388657040789'],
      ['date_sent', '1388657039'],
      ['locked', '0'],
      ['seen', '1'],
      ['read', '1'],
      ['address', '+15550100101'],
    ]);
    expect(picture.addrs).toEqual([
      { attrs: [['address', '+15550100101'], ['type', '137']] },
      { attrs: [['address', '+15550100999'], ['type', '151']] },
    ]);
    expect(picture.parts.map((p) => p.attrs)).toEqual([
      [['ct', 'application/smil'], ['seq', '0'], ['name', 'smil.xml'], ['text', '<smil><body><par dur="5000ms"><img src="image.png"/></par></body></smil>']],
      [['ct', 'text/plain'], ['seq', '1'], ['name', 'text_0.txt'], ['text', 'Look 👀 at this']],
      [['ct', 'image/png'], ['seq', '2'], ['name', 'image.png'], ['data', '']],
    ]);
    expect(picture.parts[2]?.media).toEqual({ sha256: sha(PNG), size: PNG.length });
    const f = PROVIDER_FIELDS.mms(picture);
    expect(f).toMatchObject({ direction: 'in', participants: ['+15550100101'], text: 'Look 👀 at this', media: [{ sha256: sha(PNG) }], dateMs: 1388657040789 });
    expect(attr(group.attrs, 'address')).toBe('+15550100202~+15550100303');
    expect(PROVIDER_FIELDS.mms(group)).toMatchObject({ direction: 'out', participants: ['+15550100202', '+15550100303'], text: 'Group hello' });
    expect(PROVIDER_FIELDS.sms(plain)).toMatchObject({ direction: 'in', participants: ['+15550100101'], dateMs: 1388656800123, read: 1 });
  });

  it('gives the same records whatever the chunking (multi-byte characters, references, CR LF and tags cut anywhere)', async () => {
    const bytes = fs.readFileSync(TB_FIXTURE);
    const whole = await readBytes(bytes);
    for (const chunk of [1, 2, 3, 5, 7, 13, 64, 1000]) expect(await readBytes(bytes, chunk), `chunk ${chunk}`).toEqual(whole);
    const crlf = Buffer.from(bytes.toString('utf8').replace(/\n/g, '\r\n'));
    for (const chunk of [1, 3, 64 * 1024]) {
      const r = await readBytes(crlf, chunk);
      expect(r.records.map((x) => x.attrs)).toEqual(whole.records.map((x) => x.attrs));
    }
  });

  it('ISO dates: milliseconds, zones, and values that are not dates are kept under the app name', async () => {
    expect(isoToMs('2014-01-02T10:00:00.123Z')).toBe(1388656800123);
    expect(isoToMs('2014-01-02T10:00:00Z')).toBe(1388656800000);
    expect(isoToMs('2014-01-02T11:30:00.5+01:30')).toBe(1388656800500);
    expect(isoToMs('2014-01-02 10:00:00')).toBeUndefined();
    const r = await readBytes(wrap('<sms msgBox="archived" date="yesterday" address="1" encoding="plain">x</sms>\n'));
    expect(r.records[0]?.attrs).toEqual([
      ['msgBox', 'archived'],
      ['date', 'yesterday'],
      ['address', '1'],
      ['body', 'x'],
    ]);
  });

  it('media: streamed whatever its size (not counted as text), corrupt and empty data marked, unknown elements skipped', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const r = await readBytes(
      wrap(
        `<mms msgBox="inbox" date="2014-01-02T10:00:00.000Z"><addresses><address type="from">+15550100101</address></addresses>` +
          `<part contentType="video/mp4" order="0" encoding="base64">${big.toString('base64').replace(/.{76}/g, '$&\n')}</part>` +
          `<part contentType="image/jpeg" order="1" encoding="base64">AAA*</part>` +
          `<part contentType="image/jpeg" order="2" encoding="base64"></part>` +
          `<part contentType="text/x-vcard" order="3" encoding="plain">BEGIN:VCARD</part>` +
          `<future flag="1"><nested>kept out</nested></future></mms>\n`,
      ),
      64 * 1024,
      inputLimits({ maxRecordChars: 64 * 1024 }),
    );
    const mms = r.records[0] as MmsRecord;
    expect(mms.parts[0]?.media).toEqual({ sha256: sha(big), size: big.length });
    expect(mms.parts[1]).toMatchObject({ damage: 'corrupt', rawData: 'AAA*' });
    expect(mms.parts[2]).toMatchObject({ damage: 'empty' });
    expect(mms.parts[3]?.media).toEqual({ sha256: sha(Buffer.from('BEGIN:VCARD')), size: 11 });
    expect(r.warnings.map((w) => w.code)).toEqual(['media-corrupt', 'media-empty', 'unknown-element']);
  });

  it('a base64 body that is not base64 is kept as written, with a warning; a lone surrogate reference becomes U+FFFD', async () => {
    const r = await readBytes(wrap('<sms msgBox="inbox" date="2014-01-02T10:00:00.000Z" address="1" encoding="base64">not base64!</sms>\n<sms msgBox="inbox" date="2014-01-02T10:00:01.000Z" address="1">a &#55357; b</sms>\n'));
    expect(r.records.map((x) => attr(x.attrs, 'body'))).toEqual(['not base64!', 'a \uFFFD b']);
    expect(r.warnings.map((w) => w.code)).toEqual(['media-corrupt', 'lone-surrogate']);
  });

  it('damaged or hostile input: one line with file:line:column, nothing half-read', async () => {
    const bytes = fs.readFileSync(TB_FIXTURE);
    const text = bytes.toString('utf8');
    // Cut inside the PNG's base64, inside a tag, before the root closes.
    const inPart = await failure(bytes.subarray(0, bytes.indexOf('AAAAE') + 3));
    expect(inPart).toBeInstanceOf(MalformedBackupError);
    expect(inPart.message).toMatch(/^messages\.xml:\d+:\d+: truncated file: it ends inside <part>; open elements: <threads> \(3:1\) > <thread> \(4:1\) > <mms> \(10:1\) > <part> \(14:1\)/);
    expect((await failure(text.slice(0, text.indexOf('msgBox="sent"') + 5))).message).toMatch(/^messages\.xml:6:1: truncated file: it ends inside a tag in <thread> \(4:1\)/);
    expect((await failure(text.slice(0, text.lastIndexOf('</threads>')))).message).toMatch(/truncated file: it ends inside <threads>/);
    // No DTD, no entity expansion.
    const doctype = await failure(`<?xml version="1.0"?>\n<!DOCTYPE threads [<!ENTITY lol "lol">]>\n<threads><thread address="1"><sms>&lol;</sms></thread></threads>`);
    expect(doctype.message).toBe('messages.xml:2:1: DOCTYPE is not allowed (no DTDs or entity expansion in backups)');
    expect((await failure(wrap('<sms msgBox="inbox" address="1">&lol;</sms>\n'))).message).toBe('messages.xml:4:33: undefined entity "&lol;"');
    expect((await failure(wrap('<sms msgBox="inbox" address="&ext;">x</sms>\n'))).message).toBe('messages.xml:4:30: undefined entity "&ext;"');
    // A giant attribute, too many attributes, a giant body.
    const giant = await failure(wrap(`<sms msgBox="inbox" address="${'9'.repeat(200_000)}">x</sms>\n`), inputLimits({ maxTagChars: 100_000 }));
    expect(giant).toBeInstanceOf(LimitExceededError);
    expect(giant.message).toMatch(/^messages\.xml: the start tag <sms> at 4:1 holds more than 97\.7 KiB of text, .*import\.max-tag-size/);
    const many = await failure(wrap(`<sms ${Array.from({ length: 50 }, (_, i) => `a${i}="1"`).join(' ')}>x</sms>\n`), inputLimits({ maxAttributes: 20 }));
    expect(many.message).toMatch(/^messages\.xml: the start tag <sms> at 4:1 has more than 20 attributes.*import\.max-attributes/);
    const body = await failure(wrap(`<sms msgBox="inbox" address="1">${'x'.repeat(200_000)}</sms>\n`), inputLimits({ maxRecordChars: 100_000 }));
    expect(body.message).toMatch(/^messages\.xml: the <sms> at 4:1 holds more than 97\.7 KiB of text.*import\.max-record-size/);
    // Not well-formed, not this format.
    expect((await failure(wrap('<sms msgBox="inbox">x</mms>\n'))).message).toBe('messages.xml:4:22: mismatched end tag </mms>: <sms> opened at 4:1 is still open');
    expect((await failure(wrap('<sms a="1<2">x</sms>\n'))).message).toMatch(/^messages\.xml:4:10: "<" in the value of a/);
    expect((await failure(`${HEAD}${TAIL}<threads/>`)).message).toMatch(/<threads> after the end of the root element/);
    const other = await failure('<smses count="1"><sms address="1"/></smses>');
    expect(other).toBeInstanceOf(NotABackupError);
    expect(other.message).toBe('messages.xml: not a Titanium Backup messages XML file: its root element is <smses>, not <threads>');
    expect((await failure('')).message).toBe('messages.xml: not a Titanium Backup messages XML file: the file is empty');
    expect((await failure('{"a": 1}')).message).toMatch(/looks like JSON/);
  });

  it('a start tag with 40,000 attributes costs time in proportion (the fuzzer found 3-10 s for 10,000)', async () => {
    const xml = fs.readFileSync(TB_FIXTURE, 'utf8');
    const at = xml.indexOf('<sms ') + 4;
    // Each name was looked for among the names before it: quadratic up to the limit (10,000).
    const many = xml.slice(0, at) + Array.from({ length: 40_000 }, (_, i) => ` a${i}="${i}"`).join('') + xml.slice(at);
    let read: Awaited<ReturnType<typeof readBytes>> | undefined;
    const manyMs = await cpuMs(async () => {
      read = await readBytes(many, 64 * 1024, inputLimits({ maxAttributes: 50_000, maxTagChars: 1024 * 1024 }));
    });
    expect(read?.records.length).toBeGreaterThan(0);
    expect(manyMs).toBeLessThan(3000);
  });

  it('100,000s of tags on one line cost time in proportion (the fuzzer found 14 s)', async () => {
    const xml = fs.readFileSync(TB_FIXTURE, 'utf8');
    let read: Awaited<ReturnType<typeof readBytes>> | undefined;
    // Each tag's position searched the rest of its line in the buffer (1 MiB, as the import reads).
    const end = xml.indexOf('>', xml.indexOf('<thread ')) + 1;
    const deep = xml.slice(0, end) + '<a>'.repeat(200_000) + '</a>'.repeat(200_000) + xml.slice(end);
    const deepMs = await cpuMs(async () => {
      read = await readBytes(deep, 1 << 20);
    });
    expect(read?.records.length).toBeGreaterThan(0);
    expect(deepMs).toBeLessThan(5000);
  });
});
