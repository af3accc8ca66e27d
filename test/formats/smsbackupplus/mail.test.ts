import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import type { ArchiveRecord, Attrs, MmsRecord } from '../../../src/formats/records.js';
import { readMail } from '../../../src/formats/smsbackupplus/mail-reader.js';
import { smsBackupPlusMessageId } from '../../../src/formats/smsbackupplus/headers.js';
import { writeMail, type MailWriteContext } from '../../../src/formats/smsbackupplus/writer.js';
import { canonical, readRecords } from '../../helpers/records.js';
import { fixture } from '../../helpers/temp.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const POS = { line: 1, column: 1, index: 0 };

function context(media: Map<string, Buffer> = new Map(), embed = true): MailWriteContext {
  return {
    userAddress: 'owner@example.org',
    reference: 'abc123',
    thread: '7',
    fallbackId: '1',
    embed,
    backupTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    media: {
      open: (sha256: string) => {
        const b = media.get(sha256);
        if (b === undefined) throw new Error('missing media');
        return Readable.from([b]) as AsyncIterable<Buffer>;
      },
    },
  };
}

async function roundTrip(r: ArchiveRecord, ctx = context()): Promise<ArchiveRecord> {
  const mail = await writeMail(r, ctx);
  const out = await readMail(mail.raw, { name: 'test', sink: hashOnlySink(), position: POS });
  if (out.kind !== 'record') throw new Error(out.reason);
  return out.record;
}

const sms = (attrs: Attrs): ArchiveRecord => ({ kind: 'sms', attrs, position: POS });

describe('SMS Backup+ mail', () => {
  it('writes the app layout: headers, Message-ID, References, subject, body', async () => {
    const r = sms([['address', '+15551234567'], ['date', '1600000000123'], ['type', '1'], ['body', 'Hi there'], ['read', '1'], ['status', '-1'], ['contact_name', 'Bob']]);
    const mail = await writeMail(r, context());
    const text = mail.raw.toString('utf8');
    expect(text).toMatch(/^X-smssync-datatype: SMS\r$/m);
    expect(text).toMatch(/^X-smssync-date: 1600000000123\r$/m);
    expect(text).toMatch(/^X-smssync-type: 1\r$/m);
    expect(text).toMatch(/^X-smssync-address: \+15551234567\r$/m);
    expect(text).toMatch(/^References: <abc123\.7@sms-backup-plus\.local>\r$/m);
    expect(text).toMatch(/^Subject: SMS with Bob\r$/m);
    expect(text).toMatch(/^From: Bob <\+15551234567@unknown\.email>\r$/m);
    const md5 = createHash('md5').update('1600000000123+155512345671').digest('hex');
    expect(mail.messageId).toBe(`<${md5}@sms-backup-plus.local>`);
    expect(text).toContain(`Message-ID: ${mail.messageId}`);
  });

  it('reads back exactly what it wrote (SMS, MMS with media, call), odd bodies included', async () => {
    const records: ArchiveRecord[] = [
      sms([['protocol', '0'], ['address', '5551234'], ['date', '1600000000001'], ['type', '2'], ['subject', 'null'], ['body', 'two\r\nlines\rlone CR and trailing space '], ['toa', 'null'], ['read', '1'], ['readable_date', 'x'], ['contact_name', '(Unknown)']]),
      sms([['address', '+15550001'], ['date', '1600000000002'], ['type', '1'], ['body', 'null'], ['read', '0']]),
      { kind: 'call', attrs: [['number', '+15550002'], ['duration', '247'], ['date', '1600000000003'], ['type', '1'], ['presentation', '1']], position: POS },
    ];
    for (const r of records) expect(canonical(await roundTrip(r))).toBe(canonical(r));
    const mms: MmsRecord = {
      kind: 'mms',
      attrs: [['date', '1600000005000'], ['msg_box', '2'], ['address', '+15550003~+15550004'], ['m_type', '128'], ['contact_name', 'A, B']],
      parts: [
        { attrs: [['seq', '-1'], ['ct', 'application/smil'], ['text', '<smil/>']] },
        { attrs: [['seq', '0'], ['ct', 'image/png'], ['cl', 'pic.png']], media: { sha256: sha(PNG), size: PNG.length } },
        { attrs: [['seq', '1'], ['ct', 'text/plain'], ['text', 'caption']] },
        { attrs: [['seq', '2'], ['ct', 'image/jpeg']], damage: 'empty' },
      ],
      addrs: [{ attrs: [['address', 'insert-address-token'], ['type', '137']] }],
      position: POS,
    };
    expect(canonical(await roundTrip(mms, context(new Map([[sha(PNG), PNG]]))))).toBe(canonical(mms));
  });

  it('maps the headers of mail the app wrote (no embedded record): MMS date in seconds, box from the Message-ID', async () => {
    const mms: MmsRecord = {
      kind: 'mms',
      attrs: [['date', '1600000005000'], ['msg_box', '1'], ['address', '+15550003'], ['m_type', '132'], ['read', '1']],
      parts: [
        { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', 'look']] },
        { attrs: [['seq', '1'], ['ct', 'image/png'], ['cl', 'pic.png']], media: { sha256: sha(PNG), size: PNG.length } },
      ],
      addrs: null,
      position: POS,
    };
    const mail = await writeMail(mms, context(new Map([[sha(PNG), PNG]]), false));
    expect(mail.raw.toString()).toMatch(/^X-smssync-date: 1600000005\r$/m);
    expect(mail.messageId).toBe(smsBackupPlusMessageId(1600000005000, '+15550003', 1));
    const out = await readMail(mail.raw, { name: 't', sink: hashOnlySink(), position: POS });
    if (out.kind !== 'record' || out.record.kind !== 'mms') throw new Error('expected an MMS');
    expect(out.record.attrs).toEqual([['date', '1600000005000'], ['msg_box', '1'], ['address', '+15550003'], ['m_type', '132'], ['read', '1']]);
    expect(out.record.parts.map((p) => [p.attrs.find((a) => a[0] === 'ct')?.[1], p.media?.sha256])).toEqual([
      ['text/plain', undefined],
      ['image/png', sha(PNG)],
    ]);
    const call = await readMail((await writeMail({ kind: 'call', attrs: [['number', '+15550002'], ['duration', '0'], ['date', '1600000000003'], ['type', '3'], ['contact_name', 'Eve']], position: POS }, context(new Map(), false))).raw, { name: 't', sink: hashOnlySink(), position: POS });
    expect(call.kind === 'record' && call.record.attrs).toEqual([['number', '+15550002'], ['duration', '0'], ['date', '1600000000003'], ['type', '3'], ['contact_name', 'Eve']]);
  });

  it('ignores an embedded record that no longer matches the visible headers', async () => {
    const mail = await writeMail(sms([['address', '+15550001'], ['date', '1600000000002'], ['type', '1'], ['body', 'original']]), context());
    const edited = Buffer.from(mail.raw.toString('utf8').replace('X-smssync-date: 1600000000002', 'X-smssync-date: 1600000000999'));
    const out = await readMail(edited, { name: 't', sink: hashOnlySink(), position: POS });
    expect(out.kind === 'record' && out.record.attrs.find((a) => a[0] === 'date')?.[1]).toBe('1600000000999');
  });

  it('skips mail that is not from SMS Backup+', async () => {
    const out = await readMail(Buffer.from('From: a@example.org\r\nSubject: Newsletter\r\n\r\nhello\r\n'), { name: 't', sink: hashOnlySink(), position: POS });
    expect(out).toMatchObject({ kind: 'skipped', subject: 'Newsletter' });
  });

  it('keeps every record of the SBR fixtures through a mail and back', async () => {
    for (const name of ['sms-mms-small.xml', 'mms-media.xml', 'corrupt-base64.xml']) {
      const media = new Map<string, Buffer>();
      const records = await readRecords(fixture('sbr', name), { media });
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) expect(canonical(await roundTrip(r, context(media)))).toBe(canonical(r));
    }
  });
});
