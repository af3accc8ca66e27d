/**
 * The QKSMS reader on its own: the app's keys become provider columns in the file's order,
 * booleans 1/0, every quirk of the fixture (FORMATS.md 7.4) and non-ASCII text survive any
 * chunking, and damaged input fails with the file, line and column.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { smsFields } from '../../../src/formats/sbr/fields.js';
import { DEFAULT_INPUT_LIMITS, inputLimits, LimitExceededError, type InputLimits } from '../../../src/formats/limits.js';
import { readQksms } from '../../../src/formats/qksms/reader.js';
import { QKSMS_FIXTURE } from './fixture.js';
import { attr, type ArchiveRecord, type BackupHeader, type ReadWarning, type SmsRecord } from '../../../src/formats/records.js';


interface Read {
  header: BackupHeader | undefined;
  records: ArchiveRecord[];
  warnings: ReadWarning[];
}

async function read(bytes: Buffer | string, chunk = 64 * 1024, limits: InputLimits = DEFAULT_INPUT_LIMITS, salvage = false): Promise<Read> {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const out: Read = { header: undefined, records: [], warnings: [] };
  function* pieces(): Generator<Buffer> {
    for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
  }
  await readQksms(Readable.from(pieces()) as AsyncIterable<Buffer>, {
    file: 'backup.json',
    salvage,
    limits,
    handler: { header: (h) => (out.header = h), record: (r) => out.records.push(r), warning: (w) => out.warnings.push(w) },
  });
  return out;
}

const message = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 1,
  address: '+15550100101',
  date: 1704164645123,
  dateSent: 0,
  read: true,
  status: -1,
  body: 'hi',
  protocol: 0,
  locked: false,
  subId: 1,
  ...extra,
});
const backup = (messages: unknown[]): string => JSON.stringify({ messageCount: messages.length, messages }, null, '\t');

describe('QKSMS reader', () => {
  it('reads the fixture: provider columns in the file order, booleans 1/0, a missing serviceCenter stays missing', async () => {
    const r = await read(fs.readFileSync(QKSMS_FIXTURE));
    expect(r.header).toEqual({ content: 'messages', rootAttrs: [['messageCount', '5']], creator: 'QKSMS' });
    expect(r.warnings).toEqual([]);
    expect(r.records).toHaveLength(5);
    const [first, second, third, mms, draft] = r.records as SmsRecord[];
    expect(first?.attrs).toEqual([
      ['type', '1'],
      ['address', '+1 555-010-0101'],
      ['date', '1704164645123'],
      ['date_sent', '1704164644000'],
      ['read', '1'],
      ['status', '-1'],
      ['body', 'Hi from Ada 😀👍🏽'],
      ['protocol', '0'],
      ['service_center', '+15550109000'],
      ['locked', '0'],
      ['sub_id', '1'],
    ]);
    expect(first?.position).toEqual({ line: 4, column: 3, index: 0 });
    expect(attr(second?.attrs ?? [], 'service_center')).toBeUndefined();
    expect(attr(second?.attrs ?? [], 'body')).toBe('你好，世界\n第二行\t"quoted" and back\\slash');
    expect(attr(second?.attrs ?? [], 'locked')).toBe('1');
    expect(attr(third?.attrs ?? [], 'body')).toBe('Escaped 😀 emoji\u2028and a line separator');
    expect(attr(third?.attrs ?? [], 'service_center')).toBe('null');
    // An MMS as the app writes it: an SMS-shaped row with an empty body.
    expect(attr(mms?.attrs ?? [], 'body')).toBe('');
    expect(attr(draft?.attrs ?? [], 'type')).toBe('3');
    // The SBR meaning of provider columns applies as it is.
    const f = smsFields(first as SmsRecord);
    expect(f).toMatchObject({ dateMs: 1704164645123, direction: 'in', read: 1, participants: ['+1 555-010-0101'], text: 'Hi from Ada 😀👍🏽' });
    expect(smsFields(second as SmsRecord).direction).toBe('out');
  });

  it('gives the same records whatever the chunking (every split of a multi-byte character and of the wrapper)', async () => {
    const bytes = fs.readFileSync(QKSMS_FIXTURE);
    const whole = await read(bytes);
    for (const chunk of [1, 2, 3, 5, 7, 13, 64]) expect(await read(bytes, chunk)).toEqual(whole);
  });

  it('reads members in any order, a one-line file, a BOM, an empty backup and keeps a fork\'s extra keys', async () => {
    const reordered = `\uFEFF{"messages":[${JSON.stringify(message({ seen: true, extra: { a: 1 } }))}],"messageCount":1}`;
    const r = await read(reordered, 7);
    expect(r.header?.rootAttrs).toEqual([]);
    expect(r.records[0]?.attrs.slice(-2)).toEqual([
      ['seen', 'true'],
      ['extra', '{"a":1}'],
    ]);
    expect((await read('{\n\t"messageCount": 0,\n\t"messages": []\n}')).records).toEqual([]);
    expect((await read('{"messageCount": 0}')).records).toEqual([]);
  });

  it('a lone surrogate escape becomes U+FFFD with a warning', async () => {
    const r = await read(backup([message({ body: 'broken \ud83d end' })]).replace('broken \ud83d end', 'broken \\ud83d end'));
    expect(attr(r.records[0]?.attrs ?? [], 'body')).toBe('broken \uFFFD end');
    expect(r.warnings.map((w) => w.code)).toEqual(['lone-surrogate']);
  });

  it('damaged input: truncated, wrong types, not an object, too large: file:line:column and what to do', async () => {
    const bytes = fs.readFileSync(QKSMS_FIXTURE);
    const fail = async (input: Buffer | string, limits?: InputLimits): Promise<Error> => {
      const e = await read(input, 64 * 1024, limits).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message.split('\n')).toHaveLength(1);
      return e as Error;
    };
    // Cut inside the third message; cut after the array; cut before the array.
    const cut = await fail(bytes.subarray(0, bytes.indexOf('Escaped')));
    expect(cut).toBeInstanceOf(MalformedBackupError);
    expect(cut.message).toMatch(/^backup\.json:\d+:\d+: the file ends inside the array \(truncated\)$/);
    expect((await fail(bytes.subarray(0, bytes.length - 2))).message).toMatch(/^backup\.json:\d+:\d+: the file ends after the "messages" array, before the object's closing "\}" \(truncated\)$/);
    expect((await fail('{\n\t"messageCount": 5,\n\t"mess')).message).toMatch(/^backup\.json:\d+:\d+: the object around the array is not valid JSON/);
    expect((await fail('')).message).toBe('backup.json:1:1: the file is empty');
    expect((await fail('[]')).message).toBe('backup.json:1:1: expected a JSON object ("{") at the start of the file');
    expect((await fail('{"messageCount": 1, "messages": 5}')).message).toBe('backup.json:1:1: its "messages" member is not an array');
    expect((await fail(`${backup([message()]).slice(0, -1)}} trailing`)).message).toMatch(/^backup\.json:\d+:\d+: the object around the array is not valid JSON/);
    // Wrong types: each names the element, its line and the key.
    const typed = async (extra: Record<string, unknown>, what: RegExp): Promise<void> => {
      const e = await fail(backup([message(), message(extra)]));
      expect(e).toBeInstanceOf(MalformedBackupError);
      expect(e.message).toMatch(/^backup\.json:16:3: element #2 \(line 16\) /);
      expect(e.message).toMatch(what);
      expect(e.message).toMatch(/--salvage/);
    };
    await typed({ date: '1704164645123' }, /has "date": the string "1704164645123", not a whole number/);
    await typed({ read: 1 }, /has "read": the number 1, not true or false/);
    await typed({ body: null }, /has "body": null, not a string/);
    await typed({ address: 15550100101 }, /has "address": the number 15550100101, not a string/);
    await typed({ type: 1.5 }, /has "type": the number 1.5, not a whole number/);
    await typed({ serviceCenter: ['x'] }, /has "serviceCenter": an array \["x"\], not a string or null/);
    await typed({ date: undefined }, /has no "date"/);
    const notObject = await fail(backup([message(), 'just text']));
    expect(notObject.message).toMatch(/element #2 \(line 16\) is not a JSON object/);
    // A giant body is refused by the record limit, with the setting to raise.
    const giant = await fail(backup([message({ body: 'x'.repeat(300_000) })]), inputLimits({ maxRecordChars: 100_000 }));
    expect(giant).toBeInstanceOf(LimitExceededError);
    expect(giant.message).toMatch(/^backup\.json: message #1 at 4:3 holds more than 97\.7 KiB of text.*import\.max-record-size/);
  });

  it('--salvage skips a damaged message with a warning and keeps the others', async () => {
    const r = await read(backup([message(), message({ date: 'x' }), message({ date: 5 })]), 64 * 1024, DEFAULT_INPUT_LIMITS, true);
    expect(r.records.map((x) => attr(x.attrs, 'date'))).toEqual(['1704164645123', '5']);
    expect(r.warnings.map((w) => w.code)).toEqual(['line-skipped']);
  });
});
