/**
 * Reads vCard files (.vcf, versions 2.1, 3.0 and 4.0) as a stream of cards: the name of each
 * card (FN, else N) and its numbers (TEL) and e-mail addresses (EMAIL), which are how an SMS,
 * an RCS chat or an e-mail-to-MMS names its other party. Handles folded lines (a line starting
 * with a space or tab continues the one before), 2.1's quoted-printable values with their soft
 * line breaks and CHARSET parameter, 3.0/4.0 backslash escapes and 4.0 `tel:` URIs.
 */
import { readLines } from '../json/lines.js';
import type { ContactRecord, MediaSink, StoredMedia } from '../records.js';

interface Property {
  name: string;
  params: Map<string, string>;
  value: string;
}

export function parseProperty(line: string): Property | undefined {
  // The value starts at the first colon outside a quoted parameter value.
  let inQuote = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === ':' && !inQuote) {
      colon = i;
      break;
    }
  }
  if (colon === -1) return undefined;
  const [head = '', ...rawParams] = line.slice(0, colon).split(';');
  const name = (head.includes('.') ? head.slice(head.lastIndexOf('.') + 1) : head).toUpperCase();
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    // vCard 2.1 allows bare parameters: `TEL;CELL;QUOTED-PRINTABLE:...`.
    if (eq === -1) params.set(p.toUpperCase() === 'QUOTED-PRINTABLE' ? 'ENCODING' : 'TYPE', p.toUpperCase());
    else params.set(p.slice(0, eq).toUpperCase(), p.slice(eq + 1).replace(/^"|"$/g, ''));
  }
  return { name, params, value: line.slice(colon + 1) };
}

function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Raw non-ASCII in a QP value: keep the character as UTF-8.
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  const enc = /^(iso-8859-1|latin1|windows-1252)$/i.test(charset) ? 'latin1' : 'utf8';
  return Buffer.from(bytes).toString(enc);
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\,;nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

export function decodeValue(p: Property, version: string): string {
  if ((p.params.get('ENCODING') ?? '').toUpperCase() === 'QUOTED-PRINTABLE') return decodeQuotedPrintable(p.value, p.params.get('CHARSET') ?? 'utf-8');
  return version === '2.1' ? p.value : unescapeText(p.value);
}

/** N (Family;Given;Middle;Prefix;Suffix) as "Prefix Given Middle Family Suffix". */
function nameFromN(value: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = value.split(';');
  return [prefix, given, middle, family, suffix].map((s) => s.trim()).filter((s) => s !== '').join(' ');
}

export function telValue(value: string): string {
  return value.replace(/^tel:/i, '').replace(/;.*$/, '').trim();
}

interface Card {
  version: string;
  fn?: string;
  n?: string;
  numbers: string[];
  photo?: Buffer;
  line: number;
}

/** Photos larger than this are skipped: an address-book photo is a thumbnail. */
const MAX_PHOTO_BYTES = 16 << 20;

/** An embedded photo's bytes: `ENCODING=b`/`BASE64` (2.1, 3.0) or a `data:` URI (4.0); not URLs. */
export function photoBytes(p: Property): Buffer | undefined {
  const encoding = (p.params.get('ENCODING') ?? '').toUpperCase();
  let b64: string | undefined;
  if (encoding === 'B' || encoding === 'BASE64') b64 = p.value;
  else if (/^data:[^,]*;base64,/i.test(p.value)) b64 = p.value.slice(p.value.indexOf(',') + 1);
  if (b64 === undefined) return undefined;
  const clean = b64.replace(/\s+/g, '');
  if (clean.length === 0 || clean.length > (MAX_PHOTO_BYTES / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}

export async function* readVcards(source: AsyncIterable<Buffer>, sink?: MediaSink): AsyncGenerator<ContactRecord> {
  let card: Card | undefined;
  let logical: { text: string; line: number } | undefined;
  let index = 0;

  const take = function* (text: string, line: number): Generator<ContactRecord> {
    const p = parseProperty(text);
    if (p === undefined) return;
    if (p.name === 'BEGIN' && p.value.trim().toUpperCase() === 'VCARD') {
      card = { version: '2.1', numbers: [], line };
      return;
    }
    if (card === undefined) return;
    if (p.name === 'END' && p.value.trim().toUpperCase() === 'VCARD') {
      const name = (card.fn ?? card.n ?? '').trim();
      const numbers = [...new Set(card.numbers.filter((n) => n !== ''))];
      if (name !== '' && numbers.length > 0) {
        // Stored only for a card that names a number, so no photo is kept for nothing.
        let photo: StoredMedia | undefined;
        if (card.photo !== undefined && sink !== undefined) {
          const w = sink.begin();
          w.write(card.photo);
          photo = w.finish();
        }
        yield { name, numbers, ...(photo ? { photo } : {}), position: { line: card.line, column: 1, index: index++ } };
      }
      card = undefined;
      return;
    }
    if (p.name === 'VERSION') card.version = p.value.trim();
    else if (p.name === 'FN') card.fn = decodeValue(p, card.version);
    else if (p.name === 'N') card.n = nameFromN(decodeValue(p, card.version));
    else if (p.name === 'TEL') card.numbers.push(telValue(decodeValue(p, card.version)));
    else if (p.name === 'EMAIL') card.numbers.push(decodeValue(p, card.version).trim());
    else if (p.name === 'PHOTO' && card.photo === undefined) card.photo = photoBytes(p);
  };

  for await (const { text, line } of readLines(source)) {
    if (logical !== undefined) {
      if (text.startsWith(' ') || text.startsWith('\t')) {
        logical.text += text.slice(1);
        continue;
      }
      // A quoted-printable value ending in "=" continues on the next line (2.1 soft break).
      if (/QUOTED-PRINTABLE/i.test(logical.text.slice(0, logical.text.indexOf(':') + 1)) && logical.text.endsWith('=')) {
        logical.text = logical.text.slice(0, -1) + text;
        continue;
      }
      yield* take(logical.text, logical.line);
    }
    logical = { text, line };
  }
  if (logical !== undefined) yield* take(logical.text, logical.line);
}
