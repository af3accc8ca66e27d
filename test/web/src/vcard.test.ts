import { describe, expect, test } from 'vitest';
import { parseVCards } from '../../../web/src/vcard.js';

describe('vCard contact cards', () => {
  test('reads a vCard 3.0 with folded lines, types and escapes', () => {
    const text = ['BEGIN:VCARD', 'VERSION:3.0', 'N:Patel;Jonah;;;', 'FN:Jonah', '  Patel', 'ORG:Harbour\\, Sailing Club', 'TEL;TYPE=CELL:+15550100042', 'item1.EMAIL;TYPE=INTERNET:jonah@example.org', 'END:VCARD'].join('\r\n');
    expect(parseVCards(text)).toEqual([{ name: 'Jonah Patel', org: 'Harbour, Sailing Club', phones: [{ value: '+15550100042', type: 'cell' }], emails: ['jonah@example.org'] }]);
  });

  test('reads vCard 2.1 quoted-printable UTF-8 names and falls back to N, then the number', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2;=D0=94=D0=BC=D0=B8=D1=82=D1=80=D0=B8=D0=B9;;;',
      'TEL;CELL:+15550100004',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'TEL;VALUE=uri:tel:+15550100099',
      'END:VCARD',
    ].join('\n');
    const cards = parseVCards(text);
    expect(cards.map((c) => c.name)).toEqual(['Дмитрий Иванов', '+15550100099']);
    expect(cards[0]?.phones).toEqual([{ value: '+15550100004', type: 'cell' }]);
  });

  test('text that is not a vCard gives no card', () => {
    expect(parseVCards('hello\nworld')).toEqual([]);
  });
});
