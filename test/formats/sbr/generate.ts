/**
 * Random SMS Backup & Restore files for differential and chunking tests. Everything a
 * conforming parser accepts, with the quirks of real files: both quote styles, references of
 * every kind, raw non-ASCII text, vendor attributes, interleaved records, media with line breaks.
 * Newlines in values are written as references, because a conforming parser turns raw ones into
 * spaces.
 */
import { seeded } from './helpers.js';

type Random = () => number;

/** Text pieces as they appear in a file (already escaped), except quotes, handled per style. */
const PIECES = [
  'Hello', 'world', ' ', 'ok?', '5', 'null', '&amp;', '&lt;', '&gt;', '>', '&#10;', '&#13;&#10;',
  '&#9;', '😀', '&#128516;', '&#x1F600;', '日本語', 'Привет', 'Ça été', 'señor', '&quot;', '&apos;',
  'QUOTE', 'APOS', '<3'.replace('<', '&lt;'), '&#233;', '&#x48;i',
];

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

function int(random: Random, max: number): number {
  return Math.floor(random() * max);
}

/** One attribute, `name="value"` or `name='value'`, with a random text value. */
function textAttr(random: Random, name: string): string {
  const quote = random() < 0.3 ? "'" : '"';
  let value = '';
  for (let n = int(random, 8); n > 0; n--) {
    const piece = pick(random, PIECES);
    if (piece === 'QUOTE') value += quote === '"' ? '&quot;' : '"';
    else if (piece === 'APOS') value += quote === "'" ? '&apos;' : "'";
    else value += piece;
  }
  return `${name}=${quote}${value}${quote}`;
}

function plainAttr(name: string, value: string): string {
  return `${name}="${value}"`;
}

function spacing(random: Random): string {
  return random() < 0.9 ? ' ' : pick(random, ['  ', '\n         ', '\t', '\r\n ']);
}

function element(random: Random, name: string, attrs: string[], close = '/>'): string {
  return `<${name}${attrs.map((a) => spacing(random) + a).join('')}${random() < 0.5 ? ' ' : ''}${close}`;
}

function vendorAttrs(random: Random): string[] {
  const attrs: string[] = [];
  for (let n = int(random, 3); n > 0; n--) attrs.push(textAttr(random, `x_vendor_${String(n)}`));
  return attrs;
}

function sms(random: Random, n: number): string {
  const attrs = [
    plainAttr('protocol', '0'),
    plainAttr('address', `+1555${String(1000000 + n)}`),
    plainAttr('date', String(1600000000000 + n * 1000)),
    plainAttr('type', String(1 + int(random, 2))),
    plainAttr('subject', 'null'),
    textAttr(random, 'body'),
    ...vendorAttrs(random),
    textAttr(random, 'contact_name'),
  ];
  return element(random, 'sms', attrs);
}

function call(random: Random, n: number): string {
  const attrs = [
    plainAttr('number', `+1555${String(2000000 + n)}`),
    plainAttr('duration', String(int(random, 600))),
    plainAttr('date', String(1600000000000 + n * 1000)),
    plainAttr('type', String(1 + int(random, 7))),
    ...vendorAttrs(random),
    textAttr(random, 'contact_name'),
  ];
  return element(random, 'call', attrs);
}

/** Base64 of random bytes, sometimes wrapped with `&#10;` every 76 characters. */
function base64(random: Random): string {
  const bytes = Buffer.alloc(int(random, 400));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(random, 256);
  const text = bytes.toString('base64');
  if (random() < 0.7) return text;
  return (text.match(/.{1,76}/g) ?? []).join('&#10;');
}

function mms(random: Random, n: number): string {
  const attrs = [
    plainAttr('date', String(1700000000000 + n * 1000)),
    plainAttr('msg_box', String(1 + int(random, 2))),
    plainAttr('address', `+1555${String(3000000 + n)}~+15550000000`),
    textAttr(random, 'sub'),
    ...vendorAttrs(random),
  ];
  const parts = [
    element(random, 'part', [
      plainAttr('seq', '-1'),
      plainAttr('ct', 'application/smil'),
      plainAttr('text', '&lt;smil&gt;&lt;body&gt;&lt;par dur=&quot;5000ms&quot;/&gt;&lt;/body&gt;&lt;/smil&gt;'),
    ]),
    element(random, 'part', [plainAttr('seq', '0'), plainAttr('ct', 'text/plain'), textAttr(random, 'text')]),
  ];
  if (random() < 0.6) {
    parts.push(
      element(random, 'part', [
        plainAttr('seq', '0'),
        plainAttr('ct', 'image/jpeg'),
        plainAttr('text', 'null'),
        `data="${base64(random)}"`,
        plainAttr('cl', `image${String(n)}.jpg`),
      ]),
    );
  }
  const addrs = random() < 0.8;
  const addrList = [
    element(random, 'addr', [plainAttr('address', '+15550000000'), plainAttr('type', '137'), plainAttr('charset', '106')]),
    element(random, 'addr', [plainAttr('address', `+1555${String(3000000 + n)}`), plainAttr('type', '151')]),
  ];
  return [
    element(random, 'mms', attrs, '>'),
    `    <parts>\n      ${parts.join('\n      ')}\n    </parts>`,
    addrs ? `    <addrs>\n      ${addrList.join('\n      ')}\n    </addrs>` : '',
    '  </mms>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

const PROLOG =
  "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n" +
  '<!--File Created By SMS Backup & Restore v10.20.002 on 21/07/2024 11:20:32-->\n';

export function generateMessages(seed: number, count: number): string {
  const random = seeded(seed);
  const lines = [`${PROLOG}<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n<smses count="${String(count)}" type="full">`];
  for (let n = 0; n < count; n++) {
    if (random() < 0.05) lines.push('  <!-- a comment -->');
    lines.push(`  ${random() < 0.3 ? mms(random, n) : sms(random, n)}`);
  }
  lines.push('</smses>\n');
  return lines.join('\n');
}

export function generateCalls(seed: number, count: number): string {
  const random = seeded(seed);
  const lines = [`${PROLOG}<calls count="${String(count)}">`];
  for (let n = 0; n < count; n++) lines.push(`  ${call(random, n)}`);
  lines.push('</calls>\n');
  return lines.join('\n');
}
