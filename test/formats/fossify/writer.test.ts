import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fossifyJson } from '../../../src/formats/fossify/writer.js';
import type { MessageRecord } from '../../../src/formats/records.js';
import { PNG } from './build.js';

const pos = { line: 1, column: 1, index: 0 };
const sha = createHash('sha256').update(PNG).digest('hex');

async function write(records: MessageRecord[], chunk = 5, keys: 'kotlin' | 'columns' = 'columns'): Promise<unknown> {
  const source = {
    open: async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < PNG.length; i += chunk) yield await Promise.resolve(PNG.subarray(i, i + chunk));
    },
  };
  const out: Buffer[] = [];
  for await (const b of fossifyJson(records, source, keys)) out.push(b);
  return JSON.parse(Buffer.concat(out).toString('utf8'));
}

describe('Fossify Messages writer', () => {
  it('writes every field with Fossify’s types, MMS date in seconds, media as streamed base64', async () => {
    const doc = await write([
      { kind: 'sms', attrs: [['address', '+1555'], ['date', '1700000000123'], ['type', '2'], ['body', 'null'], ['read', 'x'], ['contact_name', 'Ann']], position: pos },
      {
        kind: 'mms',
        attrs: [['date', '1700000100000'], ['msg_box', '1'], ['m_type', '132'], ['sub', 'null'], ['ct_t', 'application/vnd.wap.multipart.related']],
        addrs: [{ attrs: [['address', '+1555'], ['type', '137'], ['charset', '106']] }],
        parts: [
          { attrs: [['seq', '0'], ['ct', 'image/png'], ['data', '']], media: { sha256: sha, size: PNG.length } },
          { attrs: [['seq', '1'], ['ct', 'image/png'], ['data', '']], damage: 'corrupt', rawData: 'not base64!' },
        ],
        position: pos,
      },
    ]);
    expect(doc).toEqual([
      { backupType: 'sms', sub_id: -1, address: '+1555', body: null, date: 1700000000123, date_sent: 0, locked: 0, protocol: null, read: 0, status: -1, type: 2, service_center: null },
      {
        backupType: 'mms',
        creator: null,
        ct_t: 'application/vnd.wap.multipart.related',
        d_rpt: 129,
        date: 1700000100,
        date_sent: 0,
        locked: 0,
        m_type: 132,
        msg_box: 1,
        read: 0,
        rr: 129,
        seen: 0,
        text_only: 0,
        st: null,
        sub: null,
        sub_cs: null,
        sub_id: -1,
        tr_id: null,
        addresses: [{ address: '+1555', type: 137, charset: 106 }],
        parts: [
          { cd: null, chset: null, cid: null, cl: null, ct: 'image/png', ctt_s: null, ctt_t: null, fn: null, name: null, seq: 0, text: null, data: PNG.toString('base64') },
          { cd: null, chset: null, cid: null, cl: null, ct: 'image/png', ctt_s: null, ctt_t: null, fn: null, name: null, seq: 1, text: null, data: 'not base64!' },
        ],
      },
    ]);
    expect(await write([])).toEqual([]);
  });

  it('writes the Kotlin property names current Fossify decodes by default', async () => {
    const mms: MessageRecord = {
      kind: 'mms',
      attrs: [['date', '1700000100000'], ['msg_box', '2'], ['st', 'null'], ['sub_id', '1']],
      addrs: [{ attrs: [['address', '+1555'], ['type', '151'], ['charset', '106']] }],
      parts: [{ attrs: [['seq', '0'], ['ct', 'text/plain'], ['chset', '106'], ['text', 'hi']] }],
      position: pos,
    };
    const sms: MessageRecord = { kind: 'sms', attrs: [['address', '+1555'], ['date', '5'], ['sub_id', '2'], ['date_sent', '4']], position: pos };
    const [s, m] = (await write([sms, mms], 5, 'kotlin')) as Record<string, unknown>[];
    expect(Object.keys(s ?? {})).toEqual(['subscriptionId', 'address', 'body', 'date', 'dateSent', 'locked', 'protocol', 'read', 'status', 'type', 'serviceCenter', 'backupType']);
    expect(s).toMatchObject({ subscriptionId: 2, dateSent: 4, backupType: 'sms' });
    expect(m).toMatchObject({ messageBox: 2, status: null, subscriptionId: 1, date: 1700000100, backupType: 'mms' });
    expect((m?.parts as Record<string, unknown>[])[0]).toEqual({
      contentDisposition: null,
      charset: '106',
      contentId: null,
      contentLocation: null,
      contentType: 'text/plain',
      ctStart: null,
      ctType: null,
      filename: null,
      name: null,
      sequenceOrder: 0,
      text: 'hi',
      data: null,
    });
  });

  it('refuses to write media whose bytes no longer match their hash', async () => {
    const bad: MessageRecord = {
      kind: 'mms',
      attrs: [['date', '1']],
      addrs: null,
      parts: [{ attrs: [['ct', 'image/png']], media: { sha256: 'f'.repeat(64), size: PNG.length } }],
      position: pos,
    };
    await expect(write([bad])).rejects.toThrow(/damaged in the vault/);
  });
});
