/**
 * Records in a plain form that two readers can be compared in: media as the SHA-256 of the
 * decoded bytes, or `empty` / `corrupt`. `readWithSaxes` builds the same form with a conforming
 * parser, as the reference for differential tests.
 */
import { SaxesParser } from 'saxes';
import type { ArchiveRecord, Attr } from '../../../src/formats/records.js';
import { sha256 } from './helpers.js';

export interface PlainPart {
  attrs: Attr[];
  data?: string;
}

export interface PlainRecord {
  kind: string;
  attrs: Attr[];
  parts?: PlainPart[];
  addrs?: Attr[][] | null;
}

export function plain(records: readonly ArchiveRecord[]): PlainRecord[] {
  return records.map((record) => {
    if (record.kind !== 'mms') return { kind: record.kind, attrs: [...record.attrs] };
    return {
      kind: 'mms',
      attrs: [...record.attrs],
      parts: record.parts.map((part) => {
        const data = part.damage ?? part.media?.sha256;
        return data === undefined ? { attrs: [...part.attrs] } : { attrs: [...part.attrs], data };
      }),
      addrs: record.addrs === null ? null : record.addrs.map((a) => [...a.attrs]),
    };
  });
}

/** What our reader makes of a `data` value: the hash of its bytes, or its damage. */
export function classifyBase64(value: string): string {
  const clean = value.replace(/[ \t\r\n]/g, '');
  if (clean === '') return 'empty';
  const valid = /^[A-Za-z0-9+/]*={0,2}$/.test(clean) && clean.length % 4 !== 1;
  const padded = !clean.includes('=') || clean.length % 4 === 0;
  return valid && padded ? sha256(Buffer.from(clean, 'base64')) : 'corrupt';
}

/** Reads a backup with saxes into the plain form; throws what saxes throws. */
export function readWithSaxes(xml: string): PlainRecord[] {
  const parser = new SaxesParser();
  const records: PlainRecord[] = [];
  const path: string[] = [];
  let mms: PlainRecord | null = null;
  parser.on('opentag', (node) => {
    const attrs = Object.entries(node.attributes as Record<string, string>);
    const parent = path.at(-1);
    path.push(node.name);
    if (parent === 'smses' || parent === 'calls') {
      if (node.name === 'mms') {
        mms = { kind: 'mms', attrs, parts: [], addrs: null };
      } else {
        records.push({ kind: node.name, attrs });
      }
    } else if (mms !== null && parent === 'mms' && node.name === 'addrs') {
      mms.addrs ??= [];
    } else if (mms !== null && parent === 'parts' && node.name === 'part') {
      const data = attrs.find(([name]) => name === 'data');
      const part: PlainPart = { attrs: attrs.map(([n, v]): Attr => [n, n === 'data' ? '' : v]) };
      if (data !== undefined) part.data = classifyBase64(data[1]);
      mms.parts?.push(part);
    } else if (mms !== null && parent === 'addrs' && node.name === 'addr') {
      mms.addrs?.push(attrs);
    }
  });
  parser.on('closetag', (node) => {
    path.pop();
    if (node.name === 'mms' && mms !== null) {
      records.push(mms);
      mms = null;
    }
  });
  parser.write(xml).close();
  return records;
}
