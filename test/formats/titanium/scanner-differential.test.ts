/**
 * The Titanium scanner against saxes, a conforming XML parser (the project's oracle for
 * hand-written scanners): on generated documents with every token the format may hold
 * (references, CDATA, comments, processing instructions, both quotes, CR LF, non-ASCII) and at
 * any chunking, both see the same elements, attributes and text.
 */
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../../../src/formats/limits.js';
import { TitaniumScanner } from '../../../src/formats/titanium/scanner.js';

type Event = ['start', string, [string, string][]] | ['end', string] | ['text', string];

/** Consecutive text events as one (comments and CDATA split text differently in each parser). */
function push(events: Event[], e: Event): void {
  const last = events.at(-1);
  if (e[0] === 'text' && last?.[0] === 'text') last[1] += e[1];
  else events.push(e);
}

function withSaxes(xml: string): Event[] {
  const events: Event[] = [];
  const parser = new SaxesParser();
  let depth = 0;
  parser.on('opentag', (node) => {
    depth++;
    push(events, ['start', node.name, Object.entries(node.attributes as Record<string, string>)]);
  });
  parser.on('closetag', (node) => {
    depth--;
    push(events, ['end', node.name]);
  });
  // Text outside the root (white space) is not reported by the scanner.
  parser.on('text', (t) => {
    if (depth > 0) push(events, ['text', t]);
  });
  parser.on('cdata', (t) => {
    push(events, ['text', t]);
  });
  parser.write(xml).close();
  return events;
}

function withScanner(xml: string, chunk: number): Event[] {
  const events: Event[] = [];
  const scanner = new TitaniumScanner('x.xml', DEFAULT_INPUT_LIMITS, {
    start: (name, attrs) => {
      push(events, ['start', name, attrs.map(([k, v]) => [k, v])]);
    },
    end: (name) => {
      push(events, ['end', name]);
    },
    text: (t) => {
      push(events, ['text', t]);
    },
    warning: () => undefined,
  });
  const bytes = Buffer.from(xml);
  for (let i = 0; i < bytes.length; i += chunk) scanner.push(bytes.subarray(i, i + chunk));
  scanner.end();
  return events;
}

/** A deterministic pseudo-random Titanium-like document. */
function generate(seed: number, messages: number): string {
  let n = seed;
  const rnd = (k: number): number => {
    n = (n * 1103515245 + 12345) & 0x7fffffff;
    return n % k;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
  const texts = ['plain', 'a &amp; b', '&lt;3 &gt; &quot;q&quot; &apos;s&apos;', '😀 emoji', '中文 text', '&#55357;&#56832;', '&#x1F389;&#10;', 'line\r\nbreak', 'cr\ronly', 'tab\there', '<![CDATA[<raw> & ]]>', '<!-- note -->x', '<?pi data?>y', '   ', ''];
  const attr = (name: string): string => {
    const v = pick(['1', '+1 555 010 0101', 'a&amp;b', '&#38;', 'x\ny', 'tab\tin', '😀', "it's", '"q"']);
    const q = v.includes('"') ? "'" : v.includes("'") ? '"' : pick(['"', "'"]);
    return ` ${name}${pick(['=', ' = '])}${q}${q === '"' ? v : v}${q}`;
  };
  const content = (): string => Array.from({ length: rnd(4) }, () => pick(texts)).join('');
  let out = pick(['', '\uFEFF']) + `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!-- made for a test -->\n<threads count="${messages}" xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages">\n`;
  for (let i = 0; i < messages; i++) {
    out += `<thread${attr('address')}>${pick(['\n', '', '\r\n'])}`;
    if (rnd(2) === 0) {
      out += `<sms${attr('msgBox')}${attr('date')}${attr('address')}>${content()}</sms>\n`;
    } else {
      out += `<mms${attr('msgBox')}${attr('date')}><addresses><address${attr('type')}>${content()}</address></addresses>`;
      out += `<part${attr('contentType')}${attr('order')}>${content()}</part><part${attr('contentType')}/>`;
      out += `<part encoding="base64">${Buffer.from(content()).toString('base64').replace(/.{10}/g, '$&\n')}</part></mms >\n`;
    }
    out += '</thread>\n';
  }
  return `${out}</threads>\n`;
}

describe('Titanium scanner vs saxes', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('generated document (seed %i): the same events at any chunking', (seed) => {
    const xml = generate(seed, 40);
    const expected = withSaxes(xml.replace(/^\uFEFF/, ''));
    for (const chunk of [1, 3, 17, 64 * 1024]) expect(withScanner(xml, chunk), `chunk ${chunk}`).toEqual(expected);
  });
});
