/**
 * The scanner reads tags of the app's usual shape whole (one regular expression, and the
 * archive's attribute text straight from the tag) and every other tag attribute by attribute.
 * Both ways must give the same records: on the fixtures, and on generated files whose bodies
 * hold everything the tolerant way exists for (raw quotes, newlines, tabs, bare `&`, references,
 * `<` and `>`, lone surrogates) at every chunk size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Attrs } from '../../../src/formats/records.js';
import { renderAttributeText } from '../../../src/formats/sbr/attribute-text.js';
import { readBytes, SB_FIXTURES, type Read } from './read.js';

const FIXTURES = [
  'sms_20240102030405.xml',
  'calllogs_20240102030405.xml',
  'SmsContactsBackup/sms/sms_20240102030405.xml',
  'SmsContactsBackup/logs/calllogs_20240102030405.xml',
].map((f) => path.join(SB_FIXTURES, f));

/** What a read gave, or the error it ended with. */
async function outcome(bytes: Buffer, chunk: number, wholeTags: boolean): Promise<Read | string> {
  try {
    return await readBytes(bytes, chunk, { wholeTags });
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

/** The records and warnings, without the attribute texts (only whole tags come with one). */
function recordsOf(r: Read | string): unknown {
  return typeof r === 'string' ? r : { header: r.header, records: r.records, warnings: r.warnings };
}

/** Every attribute text given is the one the import would have rendered from the attributes. */
function expectTextsRendered(r: Read | string, context: string): number {
  if (typeof r === 'string') return 0;
  let given = 0;
  r.records.forEach((rec, i) => {
    const text = r.attrTexts[i];
    if (text === undefined) return;
    given++;
    const attrs: Attrs = rec.attrs;
    expect(text, `${context}, record ${i}: ${JSON.stringify(attrs)}`).toBe(renderAttributeText(attrs, JSON.stringify(attrs)));
  });
  return given;
}

/** A seeded generator (mulberry32): the same files every run. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Pieces of raw value text as the app (or a damaged file) may hold them. */
const PIECES = [
  'a', 'Z', ' ', 'hello', '42', '"', "'", '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#10;', '&#9;', '&#13;', '&#x1F600;',
  '&#55357;&#56832;', '&#55357;', '&#0;', '&bogus;', '&', '& ', '<', '>', '<3', '\n', '\t', '\r', '\r\n', 'é', 'Ж', '中文',
  '\u{1F600}', '\u2028', '\ufffe', '=', '/', ';', '#', '/>', '" read="', '" name="', '" x="', '"/>', ' />',
];

function value(rand: (n: number) => number, quirks: boolean): string {
  let out = '';
  // Most values are plain; the rest take pieces from the whole list.
  const plain = !quirks || rand(3) > 0;
  for (let k = rand(12); k > 0; k--) out += plain ? (PIECES[rand(5)] ?? '') : (PIECES[rand(PIECES.length)] ?? '');
  return out;
}

function generatedFile(seed: number, records: number): Buffer {
  const rand = random(seed);
  const sms = rand(4) > 0;
  const names = sms ? ['address', 'time', 'date', 'type', 'body', 'read', 'service_center', 'name'] : ['number', 'time', 'date', 'type', 'name', 'new', 'dur'];
  const quirky = sms ? 'body' : 'name';
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<${sms ? 'allsms' : 'alllogs'} count="${records}">\n`;
  for (let i = 0; i < records; i++) {
    let tag = `\t<${sms ? 'sms' : 'log'}`;
    for (const name of names) {
      // Older versions leave the last attributes out; some write one the app does not know.
      if (names.indexOf(name) >= 5 && rand(20) === 0) break;
      if (rand(40) === 0) tag += ` sub_id="${rand(3)}"`;
      const v = name === 'date' ? String(1577869200000 + i * 1000) : value(rand, name === quirky || name === 'name' || rand(10) === 0);
      const space = rand(30) === 0 ? '  ' : rand(60) === 0 ? '\n' : ' ';
      tag += rand(50) === 0 && !v.includes("'") ? `${space}${name}='${v}'` : `${space}${name}="${v}"`;
    }
    xml += `${tag}${rand(10) === 0 ? '/>' : ' />'}\n`;
  }
  return Buffer.from(`${xml}</${sms ? 'allsms' : 'alllogs'}>\n`);
}

describe('Super Backup & Restore: whole tags and the tolerant way agree', () => {
  it('on the fixtures, at every chunk size, and plain SMS come with their attribute text', async () => {
    for (const file of FIXTURES) {
      const bytes = fs.readFileSync(file);
      const tolerant = await outcome(bytes, 64 * 1024, false);
      expect(typeof tolerant, file).toBe('object');
      for (const chunk of [1, 3, 17, 64, 64 * 1024]) {
        const whole = await outcome(bytes, chunk, true);
        expect(recordsOf(whole), `${file}, chunks of ${chunk}`).toEqual(recordsOf(tolerant));
        expectTextsRendered(whole, `${file}, chunks of ${chunk}`);
      }
    }
    // The fixture's SMS without a raw quote in them (four of six) are read whole, text and all.
    const sms = await readBytes(fs.readFileSync(FIXTURES[0] ?? ''));
    expect(sms.attrTexts.map((t) => t !== undefined)).toEqual([true, true, false, false, true, true]);
    expect(sms.attrTexts[1]).toBe(
      ' address="+15550001001" time="3 Sep 2012 16:07:02" date="1346688422000" type="2" body="Two lines&#10;second line&#9;and a tab" read="1" service_center="null" name="Ada Example"',
    );
    // Calls keep JSON in the archive: no text for them.
    expect((await readBytes(fs.readFileSync(FIXTURES[1] ?? ''))).attrTexts.every((t) => t === undefined)).toBe(true);
  });

  it('on generated files with random bodies (seeded), at random chunk sizes', async () => {
    let texts = 0;
    let sms = 0;
    let failures = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const bytes = generatedFile(seed, 40);
      const chunk = 1 + random(seed * 7)(300);
      const context = `seed ${seed}, chunks of ${chunk}: ${bytes.toString('utf8').slice(0, 400)}`;
      const tolerant = await outcome(bytes, chunk, false);
      const whole = await outcome(bytes, chunk, true);
      expect(recordsOf(whole), context).toEqual(recordsOf(tolerant));
      texts += expectTextsRendered(whole, context);
      if (typeof whole !== 'string') sms += whole.records.filter((r) => r.kind === 'sms').length;
      // Nor do the records and warnings depend on the chunks (a warning's quote of a stray text
      // may be shorter where a chunk ends inside it; the text is warned about once all the same).
      const inOnePiece = await outcome(bytes, bytes.length, true);
      if (typeof whole === 'string' || typeof inOnePiece === 'string') expect(whole, context).toEqual(inOnePiece);
      else {
        expect(whole.records, context).toEqual(inOnePiece.records);
        const where = (r: Read): unknown => r.warnings.map((w) => [w.code, w.line, w.column]);
        expect(where(whole), context).toEqual(where(inOnePiece));
      }
      if (typeof tolerant === 'string') failures++;
    }
    // The files exercise both ways: hundreds of SMS read whole with their text, more than that
    // read attribute by attribute or without one; the tolerant reading refuses none of the files.
    expect(texts).toBeGreaterThan(500);
    expect(sms - texts).toBeGreaterThan(500);
    expect(failures).toBe(0);
  });
});
