import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { keyChecksumBytes } from '../../../src/formats/androidbackup/crypto.js';
import { parseAbHeader } from '../../../src/formats/androidbackup/header.js';
import { ANDROID_BACKUP_FIELDS } from '../../../src/formats/androidbackup/telephony.js';
import { detectFormat } from '../../../src/formats/detect.js';
import { DecryptionError, MalformedBackupError, NotABackupError } from '../../../src/formats/errors.js';
import { hashOnlySink } from '../../../src/formats/hash-sink.js';
import type { ArchiveRecord, CallRecord, MmsRecord, ReadWarning } from '../../../src/formats/records.js';
import { attr } from '../../../src/formats/records.js';
import { openBackup } from '../../../src/formats/registry.js';
import { tempDir } from '../../helpers/temp.js';
import { abOf, callLogItems, callValue, keyValueFile, MMS_GROUP, otherAppItems, phoneTar, SMS_1, tarOf, telephonyItems, type AbOptions } from './build.js';

function write(bytes: Buffer, name = 'backup.ab'): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function read(file: string, password?: string, salvage = false): Promise<{ records: ArchiveRecord[]; warnings: ReadWarning[]; sha256: string }> {
  const opened = await openBackup(file, password === undefined ? {} : { passphrase: () => Promise.resolve(password) });
  expect(opened.format).toBe('android-backup');
  const [unit] = opened.units;
  if (unit === undefined) throw new Error('no unit');
  const records: ArchiveRecord[] = [];
  const warnings: ReadWarning[] = [];
  const outcome = await unit.read({
    sink: hashOnlySink(),
    salvage,
    onBytes: () => undefined,
    handler: { header: () => undefined, record: (r) => records.push(r), warning: (w) => warnings.push(w) },
  });
  return { records, warnings, sha256: outcome.digest.sha256 };
}

describe('Android backup (.ab) reader', () => {
  it('reads every version 1-5, compressed or not, encrypted or not, into the same records', async () => {
    const tar = phoneTar();
    let expected: string | undefined;
    for (const version of [1, 2, 3, 4, 5]) {
      for (const compressed of [true, false]) {
        for (const password of [undefined, 'pässwörd 1']) {
          const opts: AbOptions = { version, compressed, ...(password === undefined ? {} : { password, rounds: 2000 }) };
          const file = write(abOf(tar, opts));
          expect(await detectFormat(file)).toBe('android-backup');
          const { records, sha256 } = await read(file, password);
          expect(sha256).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
          const text = JSON.stringify(records);
          expected ??= text;
          expect(text, JSON.stringify(opts)).toBe(expected);
        }
      }
    }
  });

  it('maps SMS and text MMS: strings kept, MMS date seconds -> ms, recipients are the group', async () => {
    const { records } = await read(write(abOf(phoneTar())));
    expect(records.map((r) => r.kind)).toEqual(['sms', 'sms', 'mms', 'mms']);
    const [sms1, , group, sent] = records;
    expect(sms1?.attrs).toEqual([
      ['self_phone', '+15550000000'],
      ['address', '+15550001111'],
      ['body', 'sms 1'],
      ['subject', 'sms subject'],
      ['date', '1700000000123'],
      ['date_sent', '1700000000000'],
      ['status', '-1'],
      ['type', '1'],
      ['recipients', '+1 555-000-1111'],
      ['archived', 'true'],
      ['read', '0'],
    ]);
    const g = group as MmsRecord;
    expect(attr(g.attrs, 'date')).toBe('1700000200000');
    expect(attr(g.attrs, 'date_sent')).toBe('1700000199');
    expect(attr(g.attrs, 'recipients')).toBe('+15550002222~+15550003333');
    expect(g.parts).toEqual([{ attrs: [['seq', '0'], ['ct', 'text/plain'], ['chset', '106'], ['text', 'group hello']] }]);
    expect(g.addrs?.map((a) => a.attrs)).toEqual([
      [['type', '137'], ['address', '+15550002222'], ['charset', '106']],
      [['type', '151'], ['address', '+15550000000'], ['charset', '106']],
      [['type', '151'], ['address', '+15550003333'], ['charset', '106']],
    ]);
    const gf = ANDROID_BACKUP_FIELDS.mms(g);
    expect(gf).toMatchObject({ dateMs: 1700000200000, dateSentMs: 1700000199000, direction: 'in', participants: ['+15550002222', '+15550003333'], text: 'group hello', media: [] });
    expect(ANDROID_BACKUP_FIELDS.mms(sent as MmsRecord)).toMatchObject({ direction: 'out', participants: ['+15550001111'], text: 'Mms\nBody\r\n' });
    // Without recipients, the address rows give the same group.
    const noRecipients = { ...g, attrs: g.attrs.filter((a) => a[0] !== 'recipients') };
    expect(ANDROID_BACKUP_FIELDS.mms(noRecipients).participants).toEqual(['+15550002222', '+15550003333']);
  });

  it('the master-key checksum sees the key as Java chars in UTF-8 (version >= 2) or 8-bit (version 1)', async () => {
    const key = Buffer.from([0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xff, 0x00]);
    expect([...keyChecksumBytes(key, 2)]).toEqual([0x41, 0x7f, 0xef, 0xbe, 0x80, 0xef, 0xbe, 0xbf, 0xef, 0xbf, 0x80, 0xef, 0xbf, 0xbf, 0x00]);
    expect([...keyChecksumBytes(key, 2, true)].slice(-2)).toEqual([0xc0, 0x80]);
    expect([...keyChecksumBytes(key, 1)]).toEqual([...key]);
    // A key with a zero byte and the high bytes decrypts (the checksum matches).
    const mk = Buffer.alloc(32, 0);
    for (let i = 0; i < 32; i++) mk[i] = (i * 37) & 0xff;
    const { records } = await read(write(abOf(phoneTar(), { password: 'pw', rounds: 1000, masterKey: mk, version: 2 })), 'pw');
    expect(records).toHaveLength(4);
  });

  it('a wrong password or none is a clear error before anything is read', async () => {
    const file = write(abOf(phoneTar(), { password: 'right', rounds: 1000 }));
    await expect(read(file, 'wrong')).rejects.toThrow(DecryptionError);
    await expect(read(file, 'wrong')).rejects.toThrow(/wrong password/);
    await expect(openBackup(file, {})).rejects.toThrow(/encrypted Android backup; give its password with --passphrase-file/);
  });

  it('damage is a one-line error: corrupt zlib, a cut-off file (plain, compressed, encrypted), a damaged entry', async () => {
    const compressed = abOf(phoneTar());
    const corrupt = Buffer.from(compressed);
    for (let i = 200; i < 260; i++) corrupt[i] = (corrupt[i] ?? 0) ^ 0x5a;
    // zlib's messages say what, never where: the reader adds how far zlib had read.
    await expect(read(write(corrupt))).rejects.toThrow(/compressed data is damaged near byte \d+ of the file|damaged at byte \d+/);
    const cut = compressed.subarray(0, compressed.length - 300);
    await expect(read(write(cut))).rejects.toThrow(`the file is cut off (its compressed data ends early near byte ${cut.length} of the file)`);
    const plain = abOf(phoneTar(), { compressed: false });
    await expect(read(write(plain.subarray(0, plain.length - 6000)))).rejects.toThrow(/cut off inside "shared\/0\/DCIM\/photo.jpg"/);
    const enc = abOf(phoneTar(), { password: 'pw', rounds: 1000 });
    await expect(read(write(enc.subarray(0, enc.length - 7)), 'pw')).rejects.toThrow(/encrypted data is cut off or damaged/);
    const badEntry = tarOf([{ name: 'apps/com.android.providers.telephony/d_f/000000_sms_backup', data: Buffer.from('not zlib at all') }]);
    const e = await read(write(abOf(badEntry))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MalformedBackupError);
    expect((e as Error).message).toMatch(/000000_sms_backup: its compressed data is damaged near byte \d+ of the entry \(incorrect header check\)$/);
    expect((e as Error).message).not.toContain('\n');
    await expect(read(write(Buffer.from('ANDROID BACKUP\n9\n1\nnone\n')))).rejects.toThrow(/format version "9"/);
    // A damaged header line is shown as text, its other bytes as \xNN (never raw binary).
    await expect(read(write(Buffer.from('ANDROID BACKUP\n5\n1\nnone\xe9\x01K\n', 'latin1')))).rejects.toThrow('encryption "none\\xe9\\x01K" is not one Android writes');
  });

  it('an entry whose name climbs out of its folder is never used, and says so', async () => {
    const evil = deflateSync(Buffer.from(JSON.stringify([{ ...SMS_1, body: 'evil' }])));
    const tar = tarOf([
      { name: 'apps/com.android.providers.telephony/d_f/../../../../tmp/000000_sms_backup', data: evil },
      { name: '/apps/com.android.providers.telephony/d_f/000001_sms_backup', data: evil },
      { name: '../apps/com.android.providers.telephony/d_f/000002_sms_backup', data: evil },
      ...telephonyItems([{ kind: 'sms', messages: [SMS_1] }]),
    ]);
    const { records, warnings } = await read(write(abOf(tar)));
    expect(records.map((r) => attr(r.attrs, 'body'))).toEqual(['sms 1']);
    expect(warnings.filter((w) => /points outside the archive; ignored/.test(w.message))).toHaveLength(3);
  });

  it('an .ab without the telephony provider says what it holds and that it has no messages', async () => {
    const tar = tarOf([...otherAppItems('com.example.notes'), ...otherAppItems('com.android.calllogbackup', 10), { name: 'shared/0/a.txt', data: 'x' }]);
    const e = await read(write(abOf(tar))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotABackupError);
    expect((e as Error).message).toMatch(/holding the data of 2 apps \(com\.example\.notes, com\.android\.calllogbackup\) and shared storage, but not the telephony provider .*: it has no messages/);
    expect((e as Error).message).toMatch(/adb backup -f messages\.ab com\.android\.providers\.telephony/);
  });

  it('is lenient with Helium-style tar: wrong checksums, GNU long names, no end marker, old f/ domain', async () => {
    const longPkg = `com.example.${'x'.repeat(120)}`;
    const tar = tarOf([...otherAppItems(longPkg), ...telephonyItems([{ kind: 'sms', messages: [SMS_1] }, { kind: 'mms', messages: [MMS_GROUP] }], 'f')], {
      badChecksum: true,
      longNames: 'gnu',
      endMarker: false,
    });
    const { records, warnings } = await read(write(abOf(tar, { version: 1, compressed: false })));
    expect(records).toHaveLength(2);
    expect(warnings.some((w) => /wrong checksum; read anyway/.test(w.message))).toBe(true);
    expect(warnings.some((w) => /ends without its end marker/.test(w.message))).toBe(true);
  });

  it('reads the header lines, refusing forged key-derivation parameters', () => {
    const bytes = abOf(phoneTar(), { password: 'pw', rounds: 1000 });
    const h = parseAbHeader('x.ab', bytes);
    expect(h).toMatchObject({ version: 5, compressed: true, encryption: { rounds: 1000 } });
    expect(h.encryption?.userSalt.length).toBe(64);
    const forged = Buffer.from(bytes.toString('latin1').replace('\n1000\n', '\n999999999\n'), 'latin1');
    expect(() => parseAbHeader('x.ab', forged)).toThrow(/implausible key-derivation rounds/);
    expect(() => parseAbHeader('x.ab', Buffer.from('ANDROID BACKUP\n5\n1\nDES\n'))).toThrow(/encryption "DES"/);
  });

  it('skips gigabytes of other data without holding it (a big entry streams past)', async () => {
    const big = randomBytes(8 << 20);
    const tar = tarOf([{ name: 'shared/0/Movies/big.mp4', data: big }, ...telephonyItems([{ kind: 'sms', messages: [SMS_1] }])]);
    const { records } = await read(write(abOf(tar, { compressed: false })));
    expect(records).toHaveLength(1);
  });
});

describe('the call log in an Android backup (adb backup -keyvalue com.android.calllogbackup)', () => {
  it('reads every call of the key-value data, each record version, names with any characters', async () => {
    const calls = [
      { number: '+15550001111', date: 1700000000000n, duration: 125n, type: 1 },
      { number: '+15550002222', date: 1700000500000n, duration: 0n, type: 3, version: 1002 },
      { number: null, date: 1700000600000n, duration: 3n, type: 2, presentation: 2, version: 1 },
      { number: 'Ünï \u0000 😀', date: 1700000700000n, duration: 9n, type: 5, version: 1006 },
    ];
    const tar = tarOf([...telephonyItems([{ kind: 'sms', messages: [SMS_1] }]), ...callLogItems(calls)]);
    const { records, warnings } = await read(write(abOf(tar)));
    expect(warnings).toEqual([]);
    const got = records.filter((r) => r.kind === 'call');
    expect(got.map((r) => [attr(r.attrs, 'number'), attr(r.attrs, 'date'), attr(r.attrs, 'duration'), attr(r.attrs, 'type'), attr(r.attrs, 'presentation')])).toEqual([
      ['+15550001111', '1700000000000', '125', '1', '1'],
      ['+15550002222', '1700000500000', '0', '3', '1'],
      ['null', '1700000600000', '3', '2', '2'],
      ['Ünï \u0000 😀', '1700000700000', '9', '5', '1'],
    ]);
    expect(ANDROID_BACKUP_FIELDS.call(got[0] as CallRecord)).toMatchObject({ number: '+15550001111', dateMs: 1700000000000, durationS: 125, type: 1 });
    expect(attr(got[0]?.attrs ?? [], 'subscription_component_name')).toMatch(/TelephonyConnectionService/);
  });

  it('an .ab holding only the call log imports its calls; a damaged call is skipped with a warning', async () => {
    const good = callValue({ number: '+15550001111', date: 1700000000000n, duration: 5n, type: 2 });
    const data = keyValueFile([
      { key: '1', value: good },
      { key: '2', value: good.subarray(0, 20) },
      { key: '3', value: null },
    ]);
    const tar = tarOf([{ name: 'apps/com.android.calllogbackup/k/com.android.calllogbackup.data', data }]);
    const { records, warnings } = await read(write(abOf(tar)));
    expect(records.map((r) => r.kind)).toEqual(['call']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/call "2": the call record ends early; skipped/)]);
    const broken = tarOf([...telephonyItems([{ kind: 'sms', messages: [SMS_1] }]), { name: 'apps/com.android.calllogbackup/k/com.android.calllogbackup.data', data: Buffer.from('garbage!garbage!') }]);
    const r2 = await read(write(abOf(broken)));
    expect(r2.records.map((r) => r.kind)).toEqual(['sms']);
    expect(r2.warnings[0]?.message).toMatch(/no key-value header at byte 0; its calls were not read/);
  });
});
