import fs from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError, NotABackupError } from '../../../src/formats/errors.js';
import type { SmsRecord } from '../../../src/formats/records.js';
import { superBackupSmsXml } from '../../../src/formats/superbackup/writer.js';
import { cpuMs } from '../../helpers/cpu-time.js';
import { attrsOf, readBytes, SB_FIXTURES } from './read.js';

const SMS = fs.readFileSync(path.join(SB_FIXTURES, 'sms_20240102030405.xml'));
const LOGS = fs.readFileSync(path.join(SB_FIXTURES, 'calllogs_20240102030405.xml'));

describe('Super Backup & Restore reader', () => {
  it('reads every SMS with every attribute, in order, quirks included', async () => {
    const r = await readBytes(SMS);
    expect(r.header).toEqual({ content: 'messages', rootAttrs: [['count', '6']], creator: 'Super Backup & Restore' });
    expect(r.warnings).toEqual([]);
    expect(r.records).toHaveLength(6);
    expect(r.records[0]?.attrs).toEqual([
      ['address', '+15550001001'],
      ['time', '3 Sep 2012 16:06:30'],
      ['date', '1346688390000'],
      ['type', '1'],
      ['body', 'Synthetic hello from Ada'],
      ['read', '1'],
      ['service_center', '+15550009000'],
      ['name', 'Ada Example'],
    ]);
    // Raw newline and tab are a newline and a tab, not spaces.
    expect(attrsOf(r.records[1]).body).toBe('Two lines\nsecond line\tand a tab');
    // Unescaped quotes inside a body do not lose the message or its later attributes.
    expect(attrsOf(r.records[2])).toMatchObject({ body: 'She said "see you at 5" and left', read: '0', time: '17.09.2018 21:58:22' });
    expect(attrsOf(r.records[3])).toMatchObject({ body: 'Fish & chips <3 \u{1F600} and a "quote"', read: '1' });
    expect(attrsOf(r.records[4]).body).toBe('Code 123456 ');
    expect(attrsOf(r.records[5])).toMatchObject({ body: '', type: '3', name: 'Bo Synth' });
    expect(r.records.map((x) => x.position.line)).toEqual([3, 4, 6, 7, 8, 9]);
  });

  it('reads call logs', async () => {
    const r = await readBytes(LOGS);
    expect(r.header?.content).toBe('calls');
    expect(r.records.map((x) => x.kind)).toEqual(['call', 'call', 'call', 'call']);
    expect(r.records[0]?.attrs.map((a) => a[0])).toEqual(['number', 'time', 'date', 'type', 'name', 'new', 'dur']);
    expect(attrsOf(r.records[3])).toMatchObject({ number: '-1', type: '5', dur: '0' });
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    const whole = await readBytes(SMS);
    for (const size of [1, 2, 3, 7, 13, 64, 1000]) {
      const r = await readBytes(SMS, size);
      expect(r.records, `chunks of ${size}`).toEqual(whole.records);
      expect(r.warnings, `chunks of ${size}`).toEqual([]);
    }
  });

  it('keeps an attribute it does not know, and an element missing later attributes (older versions)', async () => {
    const xml = `<allsms count="2"><sms address="1" time="t" date="5" type="1" body="a "b" c" sub_id="2" read="1" service_center="x" name="" />\n<sms address="2" date="6" type="2" body="ends with quote"" />\n</allsms>`;
    const r = await readBytes(Buffer.from(xml), 5);
    expect(r.records[0]?.attrs).toEqual([
      ['address', '1'],
      ['time', 't'],
      ['date', '5'],
      ['type', '1'],
      ['body', 'a "b" c'],
      ['sub_id', '2'],
      ['read', '1'],
      ['service_center', 'x'],
      ['name', ''],
    ]);
    expect(r.records[1]?.attrs).toEqual([
      ['address', '2'],
      ['date', '6'],
      ['type', '2'],
      ['body', 'ends with quote"'],
    ]);
  });

  it('skips what the format does not have, with a warning', async () => {
    const r = await readBytes(Buffer.from('<allsms count="1"><mms date="1" /><sms address="1" date="2" type="1" body="x" />stray</allsms>'));
    expect(r.records).toHaveLength(1);
    expect(r.warnings.map((w) => w.code)).toEqual(['unknown-element', 'stray-text']);
    // A stray text across chunks is one warning, where it starts.
    const cut = await readBytes(Buffer.from('<allsms count="0">\n  some stray text here\n</allsms>'), 4);
    expect(cut.warnings.map((w) => [w.code, w.line, w.column])).toEqual([['stray-text', 2, 3]]);
  });

  it('refuses truncated files and other XML with one line saying what is wrong', async () => {
    const cut = SMS.subarray(0, SMS.indexOf('Two lines'));
    const e1 = await readBytes(cut).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(MalformedBackupError);
    expect((e1 as Error).message).toMatch(/^test\.xml:4:\d+: .*truncated/);
    expect((e1 as Error).message.split('\n')).toHaveLength(1);
    const e2 = await readBytes(SMS.subarray(0, SMS.length - 10)).catch((e: unknown) => e);
    expect((e2 as Error).message).toMatch(/ends before <\/allsms>: it is truncated/);
    const e3 = await readBytes(Buffer.from('<smses count="1"></smses>')).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(NotABackupError);
    const e4 = await readBytes(Buffer.from(`<allsms><sms body="${'x'.repeat(1_100_000)}`)).catch((e: unknown) => e);
    expect((e4 as Error).message).toMatch(/longer than 1048576 characters/);
  });

  it('agrees with a conforming XML parser on well-formed files (generated bodies)', async () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['a', 'Z', ' ', '"', "'", '&', '<', '>', '\n', '\t', 'é', 'Ж', '中', '\u{1F600}', '=', '/', ';', '#'];
    const records: SmsRecord[] = [];
    for (let i = 0; i < 300; i++) {
      let body = '';
      for (let k = rand(40); k > 0; k--) body += alphabet[rand(alphabet.length)] ?? '';
      records.push({
        kind: 'sms',
        position: { line: 0, column: 0, index: i },
        attrs: [
          ['address', `+1555000${1000 + rand(9000)}`],
          ['time', `${1 + rand(28)} Jan 2020 10:00:00`],
          ['date', String(1577869200000 + i * 1000)],
          ['type', String(1 + rand(2))],
          ['body', body],
          ['read', '1'],
          ['service_center', 'null'],
          ['name', body.slice(0, 5)],
        ],
      });
    }
    const xml = Buffer.concat([...superBackupSmsXml(records, records.length, () => undefined)]);
    const saxes: [string, string][][] = [];
    const parser = new SaxesParser();
    parser.on('opentag', (t) => {
      if (t.name === 'sms') saxes.push(Object.entries(t.attributes as Record<string, string>));
    });
    parser.write(xml.toString('utf8')).close();
    const ours = await readBytes(xml, 997);
    expect(ours.records.map((r) => r.attrs)).toEqual(saxes);
    expect(ours.records.map((r) => r.attrs)).toEqual(records.map((r) => r.attrs));
  });

  it('100,000s of unknown tags on one line cost time in proportion (the fuzzer found 6-20 s)', async () => {
    const head = fs.readFileSync(path.join(SB_FIXTURES, 'sms_20240102030405.xml'), 'utf8');
    const at = head.indexOf('/>') + 2;
    const xml = Buffer.from(head.slice(0, at) + '<a>'.repeat(200_000) + '</a>'.repeat(200_000) + head.slice(at));
    let read: Awaited<ReturnType<typeof readBytes>> | undefined;
    // Each tag is warned about with its position; each position searched the rest of the line
    // in the scanner's buffer (a chunk of 1 MiB, as the import reads).
    const ms = await cpuMs(async () => {
      read = await readBytes(xml, 1 << 20);
    });
    expect(read?.records.length).toBe(6);
    expect(read?.warnings.length).toBe(400_000);
    expect(read?.warnings.at(-1)?.line).toBe(3);
    expect(ms).toBeLessThan(5000);
  });
});
