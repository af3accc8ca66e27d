/** Synthetic SMS Backup+ mail for tests: written by our writer in the app's layout. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArchiveRecord, MmsRecord } from '../../../src/formats/records.js';
import { writeMail, type MailWriteContext } from '../../../src/formats/smsbackupplus/writer.js';

export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
export const PNG_SHA = createHash('sha256').update(PNG).digest('hex');
const POS = { line: 0, column: 0, index: 0 };

export function mailContext(embed = true): MailWriteContext {
  return {
    userAddress: 'owner@example.org',
    reference: 'r3f',
    thread: '1',
    fallbackId: '1',
    embed,
    media: {
      open: (sha256) => {
        if (sha256 !== PNG_SHA) throw new Error(`no media ${sha256}`);
        return Readable.from([PNG]) as AsyncIterable<Buffer>;
      },
    },
  };
}

export function smsRecord(i: number, body = `message ${i}`): ArchiveRecord {
  return {
    kind: 'sms',
    attrs: [['address', `+1555000${String(i % 100).padStart(4, '0')}`], ['date', String(1_600_000_000_000 + i * 1000)], ['type', i % 2 === 0 ? '1' : '2'], ['body', body], ['read', '1']],
    position: POS,
  };
}

export function mmsRecord(i: number): MmsRecord {
  return {
    kind: 'mms',
    attrs: [['date', String(1_600_000_000_000 + i * 1000)], ['msg_box', '1'], ['address', '+15559990000'], ['m_type', '132'], ['read', '1']],
    parts: [
      { attrs: [['seq', '0'], ['ct', 'text/plain'], ['text', `picture ${i}`]] },
      { attrs: [['seq', '1'], ['ct', 'image/png'], ['cl', 'image.png']], media: { sha256: PNG_SHA, size: PNG.length } },
    ],
    addrs: null,
    position: POS,
  };
}

export function callRecord(i: number): ArchiveRecord {
  return { kind: 'call', attrs: [['number', '+15557770000'], ['duration', String(i)], ['date', String(1_600_000_000_000 + i * 1000)], ['type', '1']], position: POS };
}

export async function mails(records: ArchiveRecord[], embed = true): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const r of records) out.push((await writeMail(r, mailContext(embed))).raw);
  return out;
}

export const NEWSLETTER = Buffer.from('From: news@example.org\r\nTo: owner@example.org\r\nSubject: Weekly news\r\nMessage-ID: <n1@example.org>\r\n\r\nFrom the editor: hello\r\n');

/** An mbox (mboxrd, as Google Takeout writes): `From ` separator lines, body `From ` lines quoted. */
export function mbox(messages: Buffer[]): Buffer {
  const parts = messages.map((m) => {
    const quoted = m.toString('latin1').replace(/^(>*From )/gm, '>$1');
    return `From 1700000000000000000@xxx Thu Jan 01 00:00:00 +0000 2024\r\n${quoted}${quoted.endsWith('\r\n') ? '' : '\r\n'}\r\n`;
  });
  return Buffer.from(parts.join(''), 'latin1');
}
