import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readVcards } from '../../../src/formats/vcard/parser.js';

async function cards(text: string | Buffer, chunk = 7): Promise<{ name: string; numbers: string[] }[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const out: { name: string; numbers: string[] }[] = [];
  for await (const c of readVcards(Readable.from(chunks))) out.push({ name: c.name, numbers: c.numbers });
  return out;
}

describe('vCard reader', () => {
  it('reads 3.0 with folded lines, escapes, several numbers and an e-mail', async () => {
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Smith;Ann;;;',
      'FN:Ann Smith\\, PhD',
      'TEL;TYPE=CELL:+1 (555) 000-11',
      ' 11',
      'item1.TEL;TYPE=HOME:555-0002',
      'EMAIL;TYPE=INTERNET:ann@example.com',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ',
      ' AAAQABAAD/',
      'END:VCARD',
      '',
    ].join('\r\n');
    expect(await cards(vcf)).toEqual([{ name: 'Ann Smith, PhD', numbers: ['+1 (555) 000-1111', '555-0002', 'ann@example.com'] }]);
  });

  it('reads 2.1 quoted-printable names with soft line breaks and a charset', async () => {
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BC=',
      'ller',
      'TEL;CELL;PREF:+4915550001',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Ren=E9;;;;',
      'TEL;HOME:0155 5000',
      'END:VCARD',
    ].join('\n');
    expect(await cards(vcf)).toEqual([
      { name: 'Jürgen Müller', numbers: ['+4915550001'] },
      { name: 'René', numbers: ['0155 5000'] },
    ]);
  });

  it('reads 4.0 tel: URIs and skips cards without a name or a number', async () => {
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Bob',
      'TEL;VALUE=uri;TYPE="voice,cell":tel:+1-555-000-2222;ext=5',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:No Number',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'TEL:+15550003333',
      'END:VCARD',
    ].join('\r\n');
    expect(await cards(vcf, 3)).toEqual([{ name: 'Bob', numbers: ['+1-555-000-2222'] }]);
  });
});
