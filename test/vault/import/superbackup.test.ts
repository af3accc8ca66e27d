/**
 * Super Backup & Restore into a vault: single files, gzip, the SmsContactsBackup folder and a ZIP
 * of it give the same archive; damaged input imports nothing; the same SMS backed up by Super
 * Backup and by SMS Backup & Restore is one message, whichever comes first; and a round trip
 * Super Backup -> vault -> Super Backup keeps every attribute.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/formats/detect.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { runExport } from '../../../src/vault/export/run-export.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { readBytes, SB_FIXTURES } from '../../formats/superbackup/read.js';
import { writeBackup, writeCalls } from '../../helpers/sbr-xml.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, importAll, useVaults } from '../../helpers/vault.js';
import { writeZip } from '../../helpers/zip.js';

const vault = useVaults();
const ALL = { kinds: new Set(['sms', 'mms', 'calls'] as const) };
const SMS = path.join(SB_FIXTURES, 'sms_20240102030405.xml');
const LOGS = path.join(SB_FIXTURES, 'calllogs_20240102030405.xml');
const FOLDER = path.join(SB_FIXTURES, 'SmsContactsBackup');

async function folderZip(dir: string): Promise<string> {
  const entries: Record<string, Buffer> = {};
  for (const sub of ['sms', 'logs', 'contacts']) {
    for (const f of fs.readdirSync(path.join(FOLDER, sub))) entries[`SmsContactsBackup/${sub}/${f}`] = fs.readFileSync(path.join(FOLDER, sub, f));
  }
  return writeZip(path.join(dir, 'backup.zip'), entries);
}

/** The first SMS of the fixture, as SMS Backup & Restore wrote it on the same phone. */
function sbrCopy(dir: string): string {
  const file = path.join(dir, 'sms-20240102030405.xml');
  fs.writeFileSync(
    file,
    `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="2" backup_set="x" backup_date="1704164645000" type="full">\n` +
      `  <sms protocol="0" address="+1 555-000-1001" date="1346688390000" type="1" subject="null" body="Synthetic hello from Ada" toa="null" sc_toa="null" service_center="+15550009000" read="1" status="-1" locked="0" date_sent="1346688389000" sub_id="1" readable_date="Sep 3, 2012 4:06:30 PM" contact_name="Ada Example" />\n` +
      `  <sms protocol="0" address="+15550001001" date="1346688422000" type="2" subject="null" body="Two lines&#10;second line&#9;and a tab" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="Sep 3, 2012 4:07:02 PM" contact_name="Ada Example" />\n` +
      `</smses>\n`,
  );
  return file;
}

describe('importing Super Backup & Restore', () => {
  it('detects it by content, whatever the name, and imports SMS, calls and contacts', async () => {
    const dir = tempDir();
    const renamed = path.join(dir, 'whatever.bin');
    fs.copyFileSync(SMS, renamed);
    expect(await detectFormat(renamed)).toBe('superbackup');
    expect(await detectFormat(LOGS)).toBe('superbackup');
    expect(await detectFormat(await folderZip(dir))).toBe('superbackup');

    const v = await vault({ region: 'US' });
    const results = await importAll(v, [renamed, LOGS]);
    expect(results.map((r) => [r.format, r.content, r.status, r.counts.new])).toEqual([
      ['superbackup', 'messages', 'complete', 6],
      ['superbackup', 'calls', 'complete', 4],
    ]);
    expect(await counts(v)).toEqual({ sms: 6, mms: 0, calls: 4 });
    const body = await v.db.selectFrom('messages').select('body').where('date_ms', '=', 1537221502000).executeTakeFirstOrThrow();
    expect(body.body).toBe('She said "see you at 5" and left');
  });

  it('the folder, a ZIP of it, gzip files and the worker thread give the same archive', async () => {
    const dir = tempDir();
    const a = await vault({ region: 'US' });
    const folder = await importFile(a, FOLDER);
    expect(folder.map((r) => [r.format, r.content])).toEqual([
      ['superbackup', 'messages'],
      ['superbackup', 'calls'],
      ['vcard', 'contacts'],
    ]);
    // The folder above it (the phone's storage) is read as the backup too.
    const parent = await vault({ region: 'US' });
    await importFile(parent, SB_FIXTURES.replace(/\/$/, ''));

    const b = await vault({ region: 'US' });
    await importFile(b, await folderZip(dir));
    const c = await vault({ region: 'US' });
    for (const f of [path.join(FOLDER, 'contacts', 'contacts_20240102030405.vcf'), SMS, LOGS]) {
      const gz = path.join(dir, `${path.basename(f)}.gz`);
      fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(f)));
      await importFile(c, gz, { readIn: 'worker' });
    }
    const dump = await dumpVault(a);
    expect(dump.contacts.map((x) => x.name)).toContain('Cy Synth');
    expect(await dumpVault(parent)).toEqual(dump);
    expect(await dumpVault(b)).toEqual(dump);
    expect(await dumpVault(c)).toEqual(dump);
    // Read again: the same bytes are skipped.
    expect((await importFile(a, FOLDER)).map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('damaged input: one line saying what is wrong, and nothing imported', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const bytes = fs.readFileSync(SMS);
    const cut = path.join(dir, 'cut.xml');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.indexOf('She said')));
    const err = await importFile(v, cut).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cut\.xml:6:\d+: .*truncated/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    const zip = await writeZip(path.join(dir, 'cut.zip'), { 'SmsContactsBackup/sms/sms_1.xml': bytes.subarray(0, bytes.length - 12) });
    await expect(importFile(v, zip)).rejects.toThrow(/cut\.zip!SmsContactsBackup\/sms\/sms_1\.xml:\d+:\d+: .*truncated/);
    // A bomb: 64 MB of one endless body compresses to ~64 KB. The expansion limit refuses it
    // before it is read; with that limit raised, the scanner still stops at 1 MiB of one element,
    // in bounded memory, before anything is written.
    const bomb = await writeZip(path.join(dir, 'bomb.zip'), { 'sms/sms_2.xml': Buffer.concat([Buffer.from('<allsms count="1"><sms address="1" body="'), Buffer.alloc(64 * 1024 * 1024, 0x61)]) });
    expect(fs.statSync(bomb).size).toBeLessThan(1024 * 1024);
    await expect(importFile(v, bomb)).rejects.toThrow(/bomb\.zip: .*import\.max-expansion-ratio/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    const lenient = await vault({ region: 'US', 'import.max-expansion-ratio': '100000' });
    await expect(importFile(lenient, bomb)).rejects.toThrow(/bomb\.zip!sms\/sms_2\.xml:1:\d+: an element longer than 1048576 characters/);
    expect(await counts(lenient)).toEqual({ sms: 0, mms: 0, calls: 0 });
    const empty = path.join(dir, 'empty-backup');
    fs.mkdirSync(path.join(empty, 'sms'), { recursive: true });
    await expect(importFile(v, empty)).rejects.toThrow(/is a folder, and not one Textvault imports as a whole/);
    // --salvage keeps what came before the damage.
    const salvaged = await importFile(v, cut, { salvage: true });
    expect(salvaged[0]?.status).toBe('partial');
    expect(await counts(v)).toEqual({ sms: 2, mms: 0, calls: 0 });
  });

  it('the same SMS from Super Backup and from SMS Backup & Restore is one message, in either order, with the fuller copy kept', async () => {
    const dir = tempDir();
    const sbr = sbrCopy(dir);
    const first = await vault({ region: 'US' });
    const r1 = await importAll(first, [SMS, sbr]);
    expect(r1[1]?.counts).toMatchObject({ read: 2, new: 0, updated: 2 });
    const second = await vault({ region: 'US' });
    const r2 = await importAll(second, [sbr, SMS]);
    expect(r2[1]?.counts).toMatchObject({ read: 6, new: 4, duplicate: 2 });
    expect(await counts(first)).toEqual({ sms: 6, mms: 0, calls: 0 });
    const dump = await dumpVault(first);
    expect(await dumpVault(second)).toEqual(dump);
    // SMS Backup & Restore describes the message fully (protocol, date_sent, status): its copy is kept.
    const kept = dump.messages.find((m) => m.date_ms === 1346688390000);
    expect(Object.fromEntries(kept?.attrs as [string, string][])).toMatchObject({ protocol: '0', date_sent: '1346688389000', contact_name: 'Ada Example' });
  });

  it('round trip: Super Backup -> vault -> Super Backup keeps every attribute of every SMS and call', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    await importAll(v, [SMS, LOGS]);
    const out = path.join(dir, 'out');
    const result = await runExport(v, { format: 'superbackup', selection: ALL, outDir: out });
    const names = fs.readdirSync(out).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^calllogs_\d{14}\.xml$/);
    expect(names[1]).toMatch(/^sms_\d{14}\.xml$/);
    expect(result).toMatchObject({ format: 'superbackup', messages: 6, calls: 4, warnings: [] });
    const byDate = (rs: { attrs: readonly (readonly [string, string])[] }[]): string[] => rs.map((r) => JSON.stringify(r.attrs)).sort();
    const original = await readBytes(fs.readFileSync(SMS));
    const written = await readBytes(fs.readFileSync(path.join(out, names[1] ?? '')));
    expect(byDate(written.records)).toEqual(byDate(original.records));
    expect(written.header?.rootAttrs).toEqual([['count', '6']]);
    const calls = await readBytes(fs.readFileSync(path.join(out, names[0] ?? '')));
    expect(byDate(calls.records)).toEqual(byDate((await readBytes(fs.readFileSync(LOGS))).records));
    // And the written files import as the same archive.
    const again = await vault({ region: 'US' });
    await importAll(again, names.map((n) => path.join(out, n)));
    expect(await dumpVault(again)).toEqual(await dumpVault(v));
  });

  it('writes records from other formats in the app shape, MMS left out with a warning', async () => {
    const dir = tempDir();
    const v = await vault({ region: 'US' });
    const mms = writeBackup([{ addresses: ['+15550001001'], date: 1346688500000, parts: [{ ct: 'text/plain', text: 'an MMS' }] }]);
    const calls = writeCalls([{ number: '+15550001001', date: 1346688600000, type: 2, duration: 61, name: 'Ada Example' }]);
    await importAll(v, [sbrCopy(dir), mms, calls]);
    const out = path.join(dir, 'out');
    const result = await runExport(v, { format: 'superbackup', selection: ALL, outDir: out });
    expect(result.warnings).toEqual(['1 MMS left out: Super Backup & Restore has no MMS (use --format sbr or sms-ie for them)']);
    const log = await readBytes(fs.readFileSync(path.join(out, fs.readdirSync(out).find((n) => n.startsWith('calllogs_')) ?? '')));
    expect(log.records[0]?.attrs.map((a) => a[0])).toEqual(['number', 'time', 'date', 'type', 'name', 'new', 'dur']);
    expect(Object.fromEntries(log.records[0]?.attrs ?? [])).toMatchObject({ number: '+15550001001', type: '2', dur: '61', name: 'Ada Example', new: '0' });
    const file = fs.readdirSync(out).find((n) => n.startsWith('sms_')) ?? '';
    const r = await readBytes(fs.readFileSync(path.join(out, file)));
    expect(r.records[0]?.attrs.map((a) => a[0])).toEqual(['address', 'time', 'date', 'type', 'body', 'read', 'service_center', 'name']);
    expect(Object.fromEntries(r.records[1]?.attrs ?? [])).toMatchObject({ body: 'Two lines\nsecond line\tand a tab', name: 'Ada Example', date: '1346688422000' });
  });
});
