/**
 * A synthetic SMS Backup & Restore archive for the browser tests and the README screenshots:
 * made-up people with 555 numbers, bodies in several scripts, a group MMS, an MMS with a PNG drawn
 * here, a vCard, and a call log with every call type. No real person's data.
 */
import zlib from 'node:zlib';

export const PEOPLE = [
  { name: 'Alice Martin', number: '+15550100001' },
  { name: 'Bob Chen', number: '+15550100002' },
  { name: 'Chloé Dubois', number: '+15550100003' },
  { name: 'Дмитрий Иванов', number: '+15550100004' },
  { name: '王小明', number: '+15550100005' },
  { name: 'Erin Walsh', number: '+15550100006' },
  { name: 'Farid Haddad', number: '+15550100007' },
  { name: 'Grace Okafor', number: '+15550100008' },
  { name: 'Hugo Lindqvist', number: '+15550100009' },
  { name: 'Isla Moreno', number: '+15550100010' },
] as const;

export const OWN_NUMBER = '+15550109999';
/** The message the search test finds; old enough that it is not on Alice's newest page. */
export const NEEDLE = { word: 'lighthouse', body: 'Shall we walk to the lighthouse on Saturday morning?' };
export const CJK_WORD = '周末';
export const IMAGE_NAME = 'harbour-sunset.png';
/** Messages in Alice's thread: more than one page (200) so the thread must page backwards. */
export const ALICE_MESSAGES = 260;

const DAY = 86_400_000;
/** 2026-06-01T00:00:00Z: the archive spans the months before it. */
const END = Date.UTC(2026, 5, 1);

function escapeAttr(v: string): string {
  return v
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}="${escapeAttr(String(v))}"`)
    .join(' ');
}

/** Deterministic pseudo-random numbers (mulberry32) so every run makes the same archive. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A small RGB PNG: a sunset over the sea, drawn pixel by pixel. */
export function sunsetPng(width = 240, height = 160): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const sea = y > height * 0.62;
      const dx = x - width * 0.5;
      const dy = y - height * 0.62;
      const sun = !sea && dx * dx + dy * dy < (height * 0.2) ** 2;
      const t = y / height;
      const [r, g, b] = sun ? [255, 214, 90] : sea ? [20 + 30 * t, 60 + 40 * t, 110 + 60 * t] : [250 - 60 * t, 120 + 50 * t, 90 + 90 * t];
      const i = row + 1 + x * 3;
      raw[i] = Math.round(r);
      raw[i + 1] = Math.round(g);
      raw[i + 2] = Math.round(b);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const LINES = [
  'Are you free later?',
  'On my way!',
  'Thanks, that was lovely.',
  'Did you see the match last night?',
  'Running ten minutes late, sorry.',
  'Can you pick up bread on the way home?',
  'Happy birthday! 🎉',
  'The train is delayed again.',
  'Let me know when you land.',
  'Sounds good to me.',
  'Café at 3? I will bring the photos.',
  'Good night 🌙',
];
const CYRILLIC = ['Привет! Как дела?', 'Увидимся завтра в шесть.', 'Спасибо большое!'];
const CJK = [`${CJK_WORD}一起去爬山吗？`, '好的，明天见。', '谢谢你的帮助！'];

interface Sms {
  date: number;
  address: string;
  name: string;
  type: 1 | 2;
  body: string;
  status?: number;
  read?: 0 | 1;
}

function smsXml(m: Sms): string {
  return `  <sms ${attrs({ protocol: 0, address: m.address, date: m.date, type: m.type, subject: 'null', body: m.body, toa: 'null', sc_toa: 'null', service_center: 'null', read: m.read ?? 1, status: m.status ?? -1, locked: 0, date_sent: m.type === 1 ? m.date - 4000 : 0, sub_id: 1, readable_date: '', contact_name: m.name })} />`;
}

interface MmsPart {
  ct: string;
  name?: string;
  text?: string;
  data?: Buffer;
}

function mmsXml(date: number, box: 1 | 2, from: string, to: string[], names: string, parts: MmsPart[]): string {
  const address = [from, ...to].filter((a) => a !== OWN_NUMBER).join('~');
  const partXml = parts
    .map((p, i) => `      <part ${attrs({ seq: i, ct: p.ct, name: p.name ?? 'null', chset: p.text === undefined ? 'null' : 106, cd: 'null', fn: 'null', cid: `<${i}>`, cl: p.name ?? `text${i}.txt`, ctt_s: 'null', ctt_t: 'null', text: p.text ?? 'null', ...(p.data ? { data: p.data.toString('base64') } : {}) })} />`)
    .join('\n');
  const addrXml = [`      <addr ${attrs({ address: box === 2 ? 'insert-address-token' : from, type: 137, charset: 106 })} />`, ...to.map((a) => `      <addr ${attrs({ address: a, type: 151, charset: 106 })} />`)].join('\n');
  return `  <mms ${attrs({ date, ct_t: 'application/vnd.wap.multipart.related', msg_box: box, address, m_type: box === 2 ? 128 : 132, read: 1, date_sent: Math.floor(date / 1000), sub_id: 1, text_only: 0, readable_date: '', contact_name: names })}>\n    <parts>\n${partXml}\n    </parts>\n    <addrs>\n${addrXml}\n    </addrs>\n  </mms>`;
}

const VCARD = ['BEGIN:VCARD', 'VERSION:3.0', 'N:Patel;Jonah;;;', 'FN:Jonah Patel', 'ORG:Harbour Sailing Club', 'TEL;TYPE=CELL:+15550100042', 'EMAIL:jonah@example.org', 'END:VCARD', ''].join('\r\n');

/** The messages file: `sms-*.xml` content. */
export function messagesXml(): string {
  const rand = rng(42);
  const out: string[] = [];
  const at = (daysAgo: number, hour: number, minute = 0): number => END - daysAgo * DAY + hour * 3_600_000 + minute * 60_000;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const [alice, bob, chloe, dmitri, wang] = PEOPLE;

  // Alice: a long thread over 200 days, with the search needle near its start.
  for (let i = 0; i < ALICE_MESSAGES; i++) {
    const daysAgo = 200 - Math.floor((i * 198) / ALICE_MESSAGES);
    const type = rand() < 0.5 ? 1 : 2;
    const body = i === 5 ? NEEDLE.body : pick(LINES);
    out.push(smsXml({ date: at(daysAgo, 8 + Math.floor(rand() * 14), Math.floor(rand() * 60)), address: alice.number, name: alice.name, type: i === 5 ? 2 : type, body, status: type === 2 ? 0 : -1 }));
  }
  // Alice's newest messages: the photo and a shared contact, then a reply.
  out.push(mmsXml(at(1, 18, 4), 1, alice.number, [OWN_NUMBER], alice.name, [{ ct: 'image/png', name: IMAGE_NAME, data: sunsetPng() }, { ct: 'text/plain', text: 'Sunset from the harbour tonight 🌅' }]));
  out.push(mmsXml(at(1, 18, 6), 1, alice.number, [OWN_NUMBER], alice.name, [{ ct: 'text/x-vcard', name: 'Jonah Patel.vcf', data: Buffer.from(VCARD) }, { ct: 'text/plain', text: 'Here is Jonah from the sailing club' }]));
  out.push(smsXml({ date: at(1, 18, 9), address: alice.number, name: alice.name, type: 2, body: 'Gorgeous! Thanks, I will call him.', status: 0 }));
  out.push(smsXml({ date: at(0, 9, 30), address: alice.number, name: alice.name, type: 1, body: 'Morning! Still on for the lighthouse walk?' }));

  // A group MMS conversation: each sender's name shows in the thread.
  const family = [alice, bob, chloe];
  for (let i = 0; i < 24; i++) {
    const sender = i % 4 === 3 ? null : (family[i % 3] ?? alice);
    const to = sender === null ? family.map((p) => p.number) : [OWN_NUMBER, ...family.filter((p) => p !== sender).map((p) => p.number)];
    const text = i === 23 ? 'See everyone at the picnic on Sunday!' : pick(LINES);
    out.push(mmsXml(at(30 - i, 12 + (i % 8), i), sender === null ? 2 : 1, sender?.number ?? OWN_NUMBER, to, family.map((p) => p.name).join(', '), [{ ct: 'text/plain', text }]));
  }

  // Everyone else: a few messages each, in their own script.
  PEOPLE.slice(1).forEach((p, k) => {
    const lines = p === dmitri ? CYRILLIC : p === wang ? CJK : LINES;
    const n = 6 + k * 3;
    for (let i = 0; i < n; i++) {
      const type = i % 2 === 0 ? 1 : 2;
      out.push(smsXml({ date: at(3 + k * 9 + (n - i) * 2, 7 + Math.floor(rand() * 16), Math.floor(rand() * 60)), address: p.number, name: p.name, type, body: lines[i % lines.length] ?? '', status: type === 2 ? (i === 1 && p === bob ? 64 : 0) : -1 }));
    }
  });
  // One unread message from Bob.
  out.push(smsXml({ date: at(0, 11, 15), address: bob.number, name: bob.name, type: 1, body: 'Are we still on for Thursday?', read: 0 }));

  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${out.length}" backup_set="00000000-0000-4000-8000-000000000001" backup_date="${END}" type="full">\n${out.join('\n')}\n</smses>\n`;
}

/** The call-log file: `calls-*.xml` content with every call type. */
export function callsXml(): string {
  const rand = rng(7);
  const out: string[] = [];
  for (let i = 0; i < 60; i++) {
    const p = PEOPLE[Math.floor(rand() * 6)] ?? PEOPLE[0];
    const type = [1, 2, 1, 2, 3, 4, 5, 6][i % 8] ?? 1;
    const duration = type === 1 || type === 2 ? 20 + Math.floor(rand() * 1500) : type === 4 ? 35 : 0;
    const date = END - (150 - i * 2.4) * DAY + Math.floor(rand() * 12 + 8) * 3_600_000;
    out.push(`  <call ${attrs({ number: p.number, duration, date: Math.round(date), type, presentation: 1, subscription_id: 1, post_dial_digits: '', readable_date: '', contact_name: p.name })} />`);
  }
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count="${out.length}" backup_set="00000000-0000-4000-8000-000000000002" backup_date="${END}">\n${out.join('\n')}\n</calls>\n`;
}
