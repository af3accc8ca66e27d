/** Synthetic SMS Import/Export backups, shaped like the app's own output (FORMATS.md section 3). */
import path from 'node:path';
import { writeZip } from '../../helpers/zip.js';

export const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

export const smsLine = (over: Record<string, string> = {}): string =>
  JSON.stringify({
    _id: '1',
    thread_id: '1',
    address: '+15550001111',
    date: '1700000000123',
    date_sent: '1700000000000',
    protocol: '0',
    read: '1',
    status: '-1',
    type: '1',
    reply_path_present: '0',
    body: 'Hello "there"\nsecond line 😀',
    service_center: '+15550000000',
    locked: '0',
    sub_id: '1',
    error_code: '0',
    creator: 'com.google.android.apps.messaging',
    seen: '1',
    __display_name: 'Ann',
    ...over,
  });

export const mmsLine = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    _id: '5',
    thread_id: '2',
    date: '1700000100',
    date_sent: '1700000099',
    msg_box: '1',
    read: '1',
    m_id: 'mid-1',
    sub_cs: '106',
    ct_t: 'application/vnd.wap.multipart.related',
    m_type: '132',
    pri: '129',
    rr: '129',
    v: '18',
    seen: '1',
    text_only: '0',
    __sender_address: { _id: '10', msg_id: '5', address: '+15550001111', type: '137', charset: '106', __display_name: 'Ann' },
    __recipient_addresses: [{ _id: '11', msg_id: '5', address: '+15550009999', type: '151', charset: '106' }],
    __parts: [
      { _id: '20', mid: '5', seq: '-1', ct: 'application/smil', text: '<smil><body><par><img src="img.jpg"/></par></body></smil>' },
      { _id: '21', mid: '5', seq: '0', ct: 'image/jpeg', name: 'img.jpg', cl: 'img.jpg', _data: '/data/user/0/com.android.providers.telephony/app_parts/PART_1700000100_img.jpg' },
      { _id: '22', mid: '5', seq: '0', ct: 'text/plain', chset: '106', text: 'Look at this' },
    ],
    ...over,
  });

export async function smsIeZip(dir: string, lines: string[], data: Record<string, Buffer> = { 'PART_1700000100_img.jpg': JPEG }, name = 'messages-2024-01-01.zip'): Promise<string> {
  const entries: Record<string, string | Buffer> = { 'messages.ndjson': lines.join('\n') + '\n' };
  for (const [k, v] of Object.entries(data)) entries[`data/${k}`] = v;
  return writeZip(path.join(dir, name), entries);
}
