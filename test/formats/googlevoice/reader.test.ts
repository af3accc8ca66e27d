/**
 * The Google Voice reader on the synthetic Takeout (test/fixtures/googlevoice): texts, group
 * conversations, MMS images, calls and voicemails, the owner's number, time zones, detection by
 * content, and links or entries that try to leave their folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, detectFormat } from '../../../src/formats/detect.js';
import { durationSeconds, timeMs } from '../../../src/formats/googlevoice/mapping.js';
import { mediaTypeOf } from '../../../src/formats/googlevoice/media-type.js';
import { parsePage } from '../../../src/formats/googlevoice/page.js';
import { ownerNumber } from '../../../src/formats/googlevoice/phones.js';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import type { MmsRecord } from '../../../src/formats/records.js';
import { canonicalSet } from '../../helpers/records.js';
import { tempDir } from '../../helpers/temp.js';
import { writeZip } from '../../helpers/zip.js';
import { attrsOf, filesUnder, GV_FIXTURE, readTakeout, takeoutZip } from './read.js';

const CALLS = 'Takeout/Voice/Calls';

function copyFixture(dir: string): string {
  fs.cpSync(path.join(GV_FIXTURE, 'Takeout'), path.join(dir, 'Takeout'), { recursive: true });
  return dir;
}

describe('Google Voice reader', () => {
  it('reads texts, group conversations, MMS images, calls and voicemails with their own time zones', async () => {
    const { records, warnings } = await readTakeout(GV_FIXTURE);
    expect(warnings).toEqual([]);
    expect(records.filter((r) => r.kind === 'sms')).toHaveLength(4);
    expect(records.filter((r) => r.kind === 'mms')).toHaveLength(4);
    expect(records.filter((r) => r.kind === 'call')).toHaveLength(4);

    const sms = records.filter((r) => r.kind === 'sms').map(attrsOf);
    expect(sms[0]).toEqual({
      address: '+15550100001',
      date: String(Date.UTC(2024, 2, 1, 17, 0, 0, 125)),
      type: '1',
      body: 'Hi 👋 from Ada & co',
      read: '1',
      contact_name: 'Ada Lovelace',
      gv_time: '2024-03-01T09:00:00.125-08:00',
    });
    expect(sms[1]).toMatchObject({ type: '2', body: "Two lines\nsecond: it's fine" });
    // "Me to Cy Example" holds only the owner's messages: Cy's number comes from a call page.
    expect(sms.slice(2).map((s) => [s.address, s.type, s.contact_name, s.date])).toEqual([
      ['+15550100003', '2', 'Cy Example', String(Date.UTC(2024, 6, 1, 0, 0, 0))],
      ['+15550100003', '2', 'Cy Example', String(Date.UTC(2024, 6, 1, 0, 0, 5))],
    ]);

    const mms = records.filter((r): r is MmsRecord => r.kind === 'mms');
    const picture = mms[0];
    expect(attrsOf(picture as MmsRecord)).toMatchObject({ address: '+15550100001', msg_box: '1', gv_time: '2024-03-01T09:06:00.000-08:00' });
    // The JPEG is linked without its extension; its type comes from its bytes.
    expect(picture?.parts.map((p) => [attrsOf({ kind: 'call', attrs: p.attrs, position: { line: 0, column: 0, index: 0 } }).ct, p.media?.size])).toEqual([
      ['text/plain', undefined],
      ['image/jpeg', 41],
    ]);
    const group = mms.slice(1);
    expect(group.map((m) => [attrsOf(m).address, attrsOf(m).msg_box, attrsOf(m).date])).toEqual([
      ['+15550100001~+447700900123', '1', String(Date.UTC(2024, 5, 10, 12, 0, 0))],
      ['+15550100001~+447700900123', '2', String(Date.UTC(2024, 5, 10, 12, 1, 0))],
      ['+15550100001~+447700900123', '1', String(Date.UTC(2024, 5, 10, 12, 2, 0))],
    ]);
    expect(group[0]?.parts[0]?.attrs).toContainEqual(['text', '你好，世界']);
    expect(group[0]?.addrs?.map((a) => [attrsOf({ kind: 'call', attrs: a.attrs, position: { line: 0, column: 0, index: 0 } }).address, a.attrs[1]?.[1]])).toEqual([
      ['+447700900123', '137'],
      ['+15550100000', '151'],
      ['+15550100001', '151'],
    ]);
    // The owner's own message comes from the Google Voice number of Phones.vcf.
    expect(group[1]?.addrs?.[0]?.attrs[0]).toEqual(['address', '+15550100000']);
    expect(group[2]?.parts.map((p) => p.attrs.find((a) => a[0] === 'ct')?.[1])).toEqual(['image/png']);

    const calls = records.filter((r) => r.kind === 'call').map(attrsOf);
    const byType = new Map(calls.map((c) => [c.type, c]));
    expect(byType.get('1')).toMatchObject({ number: '+15550100003', duration: '65', contact_name: 'Cy Example' });
    expect(byType.get('2')).toMatchObject({ number: '+15550100004', duration: '7203', date: String(Date.UTC(2024, 6, 3, 4, 30, 0)), gv_time: '2024-07-03T10:00:00.000+05:30' });
    expect(byType.get('2')).not.toHaveProperty('contact_name');
    expect(byType.get('3')).toMatchObject({ number: '+15550100001', duration: '0', date: String(Date.UTC(2024, 6, 4, 12, 0, 0)) });
    expect(byType.get('4')).toMatchObject({ number: '+15550100001', duration: '18', transcript: 'Call me back, 谢谢 😀' });
  });

  it('the ZIP and the extracted folder give the same records', async () => {
    const dir = tempDir();
    const zip = await takeoutZip(dir);
    const fromZip = await readTakeout(zip);
    const fromFolder = await readTakeout(GV_FIXTURE);
    expect(canonicalSet(fromZip.records)).toEqual(canonicalSet(fromFolder.records));
    // Also the Takeout/ and Voice/ folders themselves.
    expect(canonicalSet((await readTakeout(path.join(GV_FIXTURE, 'Takeout'))).records)).toEqual(canonicalSet(fromFolder.records));
    expect(canonicalSet((await readTakeout(path.join(GV_FIXTURE, 'Takeout', 'Voice'))).records)).toEqual(canonicalSet(fromFolder.records));
  });

  it('is detected by structure and content, never by names alone', async () => {
    const dir = tempDir();
    const zip = await takeoutZip(dir, {}, 'whatever.bin');
    expect(await detectFormat(zip)).toBe('googlevoice');
    // The right names, but the pages are not Voice's.
    const fake = await writeZip(path.join(dir, 'fake.zip'), { [`${CALLS}/Ann - Text - 2024-01-01T00_00_00Z.html`]: '<html><body><p>hello</p></body></html>' });
    await expect(detectFormat(fake)).rejects.toThrow(/a Google Takeout without Google Voice/);
    // Voice's page content under another name is no Takeout either.
    const page = fs.readFileSync(path.join(GV_FIXTURE, CALLS, 'Ada Lovelace - Text - 2024-03-01T17_00_00Z.html'));
    const renamed = await writeZip(path.join(dir, 'renamed.zip'), { 'pages/one.html': page });
    await expect(detectFormat(renamed)).rejects.toThrow(/not a phone backup/);
    // A Takeout that also holds another product's XML is still Voice, not SMS Backup & Restore.
    expect(classify({ container: 'zip', head: Buffer.alloc(0), zipNames: ['Takeout/Blogger/feed.xml', `${CALLS}/a.html`], zipVoiceHead: page, zipXmlHead: Buffer.from('<feed>') })).toBe('googlevoice');
  });

  it('a Takeout of more than 10,000 entries is recognised and read (a page and files per conversation and call)', async () => {
    const dir = tempDir();
    const extra: Record<string, string> = {};
    for (let i = 0; i < 10_050; i++) extra[`Takeout/Voice/Calls/+1555010${String(i).padStart(4, '0')} - Text - 2020-01-01T00_00_00Z-1-1.txt`] = 'x';
    const zip = await takeoutZip(dir, extra, 'big.zip');
    expect(await detectFormat(zip)).toBe('googlevoice');
    expect((await readTakeout(zip)).records).toHaveLength(12);
  });

  it('never follows a link out of the page folder, and keeps the message with the file marked missing', async () => {
    const dir = copyFixture(tempDir());
    fs.writeFileSync(path.join(dir, 'secret.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    const page = path.join(dir, CALLS, 'Ada Lovelace - Text - 2024-03-01T17_00_00Z.html');
    const html = fs.readFileSync(page, 'utf8').replace('src="Ada Lovelace - Text - 2024-03-01T17_00_00Z-3-1"', 'src="../../../secret.jpg"');
    fs.writeFileSync(page, html);
    const { records, warnings } = await readTakeout(dir);
    const mms = records.find((r): r is MmsRecord => r.kind === 'mms');
    expect(mms?.parts[1]).toEqual({ attrs: [['seq', '0'], ['ct', 'application/octet-stream'], ['cl', '../../../secret.jpg']], damage: 'empty' });
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/links "\.\.\/\.\.\/\.\.\/secret\.jpg", which is not a file name beside the page/)]);
  });

  it('a page that is not a Voice page is skipped with a warning; a message without a valid time fails, or is skipped with --salvage', async () => {
    const dir = copyFixture(tempDir());
    fs.writeFileSync(path.join(dir, CALLS, 'notes.html'), '<html><body>not Voice</body></html>');
    const { warnings } = await readTakeout(dir);
    expect(warnings.map((w) => [w.code, w.message])).toEqual([['entry-skipped', 'notes.html is not a Google Voice conversation or call page; skipped']]);

    const page = path.join(dir, CALLS, 'Cy Example - Text - 2024-07-01T00_00_00Z.html');
    fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace('2024-06-30T20:00:05.000-04:00', 'yesterday'));
    const err = await readTakeout(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as Error).message).toMatch(/Cy Example - Text - 2024-07-01T00_00_00Z\.html:14:8: a message without a valid time .*title="yesterday".*--salvage/);
    const salvaged = await readTakeout(dir, true);
    expect(salvaged.records.filter((r) => r.kind === 'sms')).toHaveLength(3);
  });

  it('a page of 20,000 messages reads in linear time, with each message at its own line', async () => {
    const dir = copyFixture(tempDir());
    const me = '<cite class="sender vcard"><a class="tel" href="tel:+15550100000"><abbr class="fn" title="">Me</abbr></a></cite>';
    const ada = '<cite class="sender vcard"><a class="tel" href="tel:+15550100001"><span class="fn">Ada Lovelace</span></a></cite>';
    const messages = Array.from(
      { length: 20_000 },
      (_x, i) => `<div class="message"><abbr class="dt" title="${new Date(Date.UTC(2023, 0, 1) + i * 1000).toISOString()}">t</abbr>:\n${i % 2 === 0 ? ada : me}:\n<q>message ${i}</q>\n</div>`,
    );
    fs.writeFileSync(path.join(dir, CALLS, 'Ada Lovelace - Text - 2023-01-01T00_00_00Z.html'), `<html><head><title>Ada Lovelace</title></head><body><div class="hChatLog hfeed">\n${messages.join('\n')}</div></body></html>`);
    const started = Date.now();
    const { records } = await readTakeout(dir);
    expect(Date.now() - started).toBeLessThan(10_000);
    const big = records.filter((r) => r.kind === 'sms' && (attrsOf(r).body ?? '').startsWith('message '));
    expect(big).toHaveLength(20_000);
    // Four lines a message, the first on line 2.
    expect(big.map((r) => r.position.line).slice(-2)).toEqual([2 + 19_998 * 4, 2 + 19_999 * 4]);
    expect(big.slice(0, 2).map((r) => attrsOf(r).type)).toEqual(['1', '2']);
  });

  it('a party shown without a number gets the number another page gives their name, else the name', async () => {
    const dir = copyFixture(tempDir());
    const dee = '<cite class="sender vcard"><a class="tel" href="tel:"><span class="fn">Dee Example</span></a></cite>';
    const page = `<html><head><title>Dee Example</title></head><body><div class="hChatLog hfeed">\n<div class="message"><abbr class="dt" title="2024-08-01T10:00:00.000+02:00">t</abbr>:\n${dee}:\n<q>hallo</q></div></div></body></html>`;
    fs.writeFileSync(path.join(dir, CALLS, 'Dee Example - Text - 2024-08-01T08_00_00Z.html'), page);
    const byName = (await readTakeout(dir)).records.find((r) => attrsOf(r).body === 'hallo');
    expect(attrsOf(byName ?? { kind: 'call', attrs: [], position: { line: 0, column: 0, index: 0 } })).toMatchObject({ address: 'Dee Example', contact_name: 'Dee Example', type: '1' });
    const missed = fs.readFileSync(path.join(dir, CALLS, 'Ada Lovelace - Missed - 2024-07-04T12_00_00Z.html'), 'utf8').replaceAll('+15550100001', '+15550100005').replaceAll('Ada Lovelace', 'Dee Example');
    fs.writeFileSync(path.join(dir, CALLS, 'Dee Example - Missed - 2024-08-02T12_00_00Z.html'), missed);
    const byNumber = (await readTakeout(dir)).records.find((r) => attrsOf(r).body === 'hallo');
    expect(byNumber?.attrs).toContainEqual(['address', '+15550100005']);
  });

  it('reads every file of a folder only by the names it lists', async () => {
    // A ZIP and a folder both ignore everything outside Voice/ (the Takeout's other products).
    const names = Object.keys(filesUnder(GV_FIXTURE));
    expect(names).toContain('Takeout/archive_browser.html');
    expect((await readTakeout(GV_FIXTURE)).records).toHaveLength(12);
  });
});

describe('Google Voice pieces', () => {
  it('times keep their offsets; durations are ISO 8601', () => {
    expect(timeMs('2024-05-22T21:48:32.703-07:00')).toBe(Date.UTC(2024, 4, 23, 4, 48, 32, 703));
    expect(timeMs('2024-05-22T21:48:32Z')).toBe(Date.UTC(2024, 4, 22, 21, 48, 32));
    expect(timeMs('2024-05-22T21:48:32.123456+05:30')).toBe(Date.UTC(2024, 4, 22, 16, 18, 32, 123));
    expect(timeMs('May 22, 2024')).toBeUndefined();
    expect(timeMs(undefined)).toBeUndefined();
    expect(durationSeconds('PT1M')).toBe(60);
    expect(durationSeconds('PT29M46S')).toBe(1786);
    expect(durationSeconds('PT1H2M3S')).toBe(3723);
    expect(durationSeconds('P1DT1S')).toBe(86401);
    expect(durationSeconds('1 minute')).toBeUndefined();
  });

  it('the owner is the number labelled Google Voice in Phones.vcf', () => {
    expect(ownerNumber('BEGIN:VCARD\nVERSION:3.0\nTEL;TYPE=CELL:+15550109999\nitem1.TEL:+15550100000\nitem1.X-ABLabel:Google Voice\nEND:VCARD\n')).toBe('+15550100000');
    expect(ownerNumber('BEGIN:VCARD\r\nTEL:+15550109999\r\nEND:VCARD\r\n')).toBe('+15550109999');
    expect(ownerNumber('nothing')).toBeUndefined();
  });

  it('media types come from the bytes', () => {
    expect(mediaTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(mediaTypeOf(Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1'))).toBe('image/png');
    expect(mediaTypeOf(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(mediaTypeOf(Buffer.from('RIFF....WEBPVP8 '))).toBe('image/webp');
    expect(mediaTypeOf(Buffer.from('\x00\x00\x00\x18ftypheic', 'latin1'))).toBe('image/heic');
    expect(mediaTypeOf(Buffer.from('\x00\x00\x00\x18ftypisom', 'latin1'))).toBe('video/mp4');
    expect(mediaTypeOf(Buffer.from('\x00\x00\x00\x18ftyp3gp4', 'latin1'))).toBe('video/3gpp');
    expect(mediaTypeOf(Buffer.from('ID3\x03'))).toBe('audio/mpeg');
    expect(mediaTypeOf(Buffer.from('#!AMR\n'))).toBe('audio/amr');
    expect(mediaTypeOf(Buffer.from('BEGIN:VCARD\r\nVERSION:3.0'))).toBe('text/x-vcard');
    // A name saying ".jpg" is no evidence: HTML bytes are not an image.
    expect(mediaTypeOf(Buffer.from('<html>'))).toBe('application/octet-stream');
  });

  it('parses a voicemail whose description span is never closed, and a page of another kind', () => {
    const page = parsePage(
      '<html><head><title>Voicemail from\nAnn</title></head><body><div class="haudio"><div class="contributor vcard">Voicemail from <a class="tel" href="tel:+15550100009"><span class="fn">Ann</span></a></div>' +
        '<abbr class="published" title="2024-01-01T00:00:00.000Z">x</abbr> Transcript: <span class="description"><span class="full-text">Hi &amp; bye</span><br /><abbr class="duration" title="PT5S">x</abbr>' +
        '<div class="tags"><a rel="tag" href="http://www.google.com/voice#voicemail">Voicemail</a></div></div></body></html>',
    );
    expect(page).toEqual({
      kind: 'call',
      title: 'Voicemail from Ann',
      party: { number: '+15550100009', name: 'Ann', me: false },
      time: '2024-01-01T00:00:00.000Z',
      duration: 'PT5S',
      transcript: 'Hi & bye',
      labels: ['voicemail'],
      at: expect.any(Number) as number,
    });
    expect(parsePage('<!DOCTYPE x [<!ENTITY e "boom">]><html><body>&e;</body></html>')).toEqual({ kind: 'other' });
  });
});
