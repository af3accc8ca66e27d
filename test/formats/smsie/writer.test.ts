import { describe, expect, it } from 'vitest';
import { attr, type MmsRecord, type SmsRecord } from '../../../src/formats/records.js';
import { callElement, dataName, mmsLine, smsLine as writeSmsLine } from '../../../src/formats/smsie/writer.js';
import { flatAttrs, mmsShape } from '../../../src/formats/smsie/mapping.js';
import { smsLine, mmsLine as sampleMms } from './build.js';

const pos = { line: 1, column: 1, index: 0 };

describe('SMS Import/Export writer', () => {
  it('writes an sms-ie SMS back exactly as it was, with no extra key', () => {
    const line = smsLine();
    const rec: SmsRecord = { kind: 'sms', attrs: flatAttrs(JSON.parse(line) as Record<string, unknown>), position: pos };
    expect(writeSmsLine(rec)).toBe(line);
  });

  it('writes SBR values the way sms-ie does: strings, NULL omitted, name as __display_name, MMS date in seconds', () => {
    const sms: SmsRecord = {
      kind: 'sms',
      attrs: [['address', '+1555'], ['date', '1700000000123'], ['subject', 'null'], ['body', 'hi'], ['readable_date', 'x'], ['contact_name', 'Ann']],
      position: pos,
    };
    const o = JSON.parse(writeSmsLine(sms)) as Record<string, unknown>;
    expect(o).toMatchObject({ address: '+1555', date: '1700000000123', body: 'hi', __display_name: 'Ann' });
    expect('subject' in o).toBe(false);
    expect('readable_date' in o).toBe(false);
    // What sms-ie cannot say travels in __textvault, exactly.
    expect(o.__textvault).toEqual({ a: sms.attrs });

    const mms: MmsRecord = {
      kind: 'mms',
      attrs: [['date', '1700000100000'], ['msg_box', '2'], ['address', '+1555']],
      addrs: [{ attrs: [['address', '+1555'], ['type', '151']] }, { attrs: [['address', 'insert-address-token'], ['type', '137']] }],
      parts: [
        { attrs: [['seq', '0'], ['ct', 'image/png'], ['cl', 'Photo 1.PNG'], ['data', '']], media: { sha256: 'a'.repeat(64), size: 3 } },
        { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', 'hello']] },
      ],
      position: pos,
    };
    const m = JSON.parse(mmsLine(mms, [dataName(7, 0, mms.parts[0]?.attrs ?? []), undefined])) as Record<string, unknown>;
    expect(m.date).toBe('1700000100');
    expect(m.__sender_address).toEqual({ address: 'insert-address-token', type: '137' });
    expect(m.__recipient_addresses).toEqual([{ address: '+1555', type: '151' }]);
    expect(m.__parts).toEqual([
      { seq: '0', ct: 'image/png', cl: 'Photo 1.PNG', _data: '/data/user/0/com.android.providers.telephony/app_parts/PART_7_0.png' },
      { seq: '0', ct: 'text/plain', text: 'hello' },
    ]);
  });

  it('an sms-ie MMS without media, read and written again, is the same line with no embed', () => {
    const o = JSON.parse(sampleMms()) as Record<string, unknown>;
    for (const p of o.__parts as Record<string, unknown>[]) delete p._data;
    const shape = mmsShape(o);
    const rec: MmsRecord = { kind: 'mms', attrs: shape.attrs, addrs: shape.addrs, parts: shape.parts.map((p) => ({ attrs: flatAttrs(p, '') })), position: pos };
    const back = JSON.parse(mmsLine(rec, [undefined, undefined, undefined])) as Record<string, unknown>;
    expect(back).toEqual(o);
    expect(attr(rec.attrs, 'date')).toBe('1700000100000');
  });

  it('calls keep display_name and their exact attributes', () => {
    const call = { kind: 'call' as const, attrs: [['number', '+1555'], ['date', '5'], ['post_dial_digits', 'null'], ['contact_name', 'Ann']] as [string, string][], position: pos };
    const o = callElement(call);
    expect(o).toMatchObject({ number: '+1555', date: '5', display_name: 'Ann' });
    expect(o.__textvault).toEqual({ a: call.attrs });
  });
});
