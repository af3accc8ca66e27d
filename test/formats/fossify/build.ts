/** Synthetic Fossify Messages export elements (FORMATS.md section 4). */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

export const fossifySms = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  subscriptionId: 1,
  address: '+15550001111',
  body: 'Hi there',
  date: 1700000000123,
  dateSent: 1700000000000,
  locked: 0,
  protocol: '0',
  read: 1,
  status: -1,
  type: 1,
  serviceCenter: null,
  backupType: 'sms',
  ...over,
});

export const fossifyMms = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  backupType: 'mms',
  creator: 'com.google.android.apps.messaging',
  ct_t: 'application/vnd.wap.multipart.related',
  d_rpt: 129,
  date: 1700000100,
  date_sent: 0,
  locked: 0,
  m_type: 128,
  msg_box: 2,
  read: 1,
  rr: 129,
  seen: 1,
  text_only: 0,
  st: null,
  sub: null,
  sub_cs: null,
  sub_id: 1,
  tr_id: 'T1',
  addresses: [
    { address: 'insert-address-token', type: 137, charset: 106 },
    { address: '+15550002222', type: 151, charset: 106 },
    { address: '+15550003333', type: 151, charset: 106 },
  ],
  parts: [
    { cd: null, chset: null, cid: '<smil>', cl: 'smil.xml', ct: 'application/smil', ctt_s: null, ctt_t: null, fn: null, name: null, seq: -1, text: '<smil/>', data: null },
    { cd: null, chset: null, cid: null, cl: 'a.png', ct: 'image/png', ctt_s: null, ctt_t: null, fn: null, name: 'a.png', seq: 0, text: null, data: PNG.toString('base64') },
    { cd: null, chset: '106', cid: null, cl: 'text.txt', ct: 'text/plain', ctt_s: null, ctt_t: null, fn: null, name: null, seq: 0, text: 'Group hello', data: null },
  ],
  ...over,
});

