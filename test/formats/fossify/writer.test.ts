import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fossifyJson } from '../../../src/formats/fossify/writer.js';
import type { MessageRecord } from '../../../src/formats/records.js';
import { PNG } from './build.js';

const pos = { line: 1, column: 1, index: 0 };
const sha = createHash('sha256').update(PNG).digest('hex');

async function write(records: MessageRecord[], chunk = 5): Promise<unknown> {
  const source = {
    open: async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < PNG.length; i += chunk) yield await Promise.resolve(PNG.subarray(i, i + chunk));
    },
  };
  const out: Buffer[] = [];
  for await (const b of fossifyJson(records, source)) out.push(b);
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
