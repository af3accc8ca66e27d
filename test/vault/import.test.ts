import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError, NotABackupError } from '../../src/formats/errors.js';
import { dumpVault } from '../../src/vault/dump.js';
import { listBackups } from '../../src/vault/backups.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';
import { listBlobs } from '../helpers/media.js';

const vault = useVaults();

function elementCounts(file: string): { sms: number; mms: number; calls: number } {
  const text = fs.readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  return {
    sms: (text.match(/<sms\s/g) ?? []).length,
    mms: (text.match(/<mms\s/g) ?? []).length,
    calls: (text.match(/<call\s/g) ?? []).length,
  };
}

function write(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const HEAD = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n`;
const smses = (backupDate: number, body: string): string =>
  `${HEAD}<smses count="999" backup_set="b5c0" backup_date="${backupDate}" type="full">\n${body}</smses>\n`;
const sms = (date: number, body: string, extra = 'type="1" read="1"'): string =>
  `  <sms protocol="0" address="+15550001111" date="${date}" ${extra} subject="null" body="${body}" toa="null" sc_toa="null" service_center="null" status="-1" locked="0" date_sent="0" sub_id="-1" readable_date="x" contact_name="Ann" />\n`;

/** A real backup that ends inside its 9th <mms> (test/fixtures/README.md) (the app or a copy cut it short). */
const TRUNCATED = 'google-messages-truncated.xml';

describe('importing SMS Backup & Restore fixtures', () => {
  it(`${TRUNCATED} (truncated inside an MMS) fails with line:column, and --salvage keeps the 16 complete records`, async () => {
    const v = await vault();
    const err = await importAll(v, [fixture('sbr', TRUNCATED)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as Error).message).toMatch(/google-messages-truncated\.xml:102:5: .*truncated/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    const [r] = await importAll(v, [fixture('sbr', TRUNCATED)], { salvage: true });
    expect(r).toMatchObject({ status: 'partial', sms: 8, mms: 8, counts: { read: 16, new: 16 } });
    expect(await counts(v)).toEqual({ sms: 8, mms: 8, calls: 0 });
  });

  it('a backup that fails after its first search-index batch leaves the connection able to import the next one', async () => {
    // The index's temporary table is made inside the first import's transaction and goes with
    // its rollback: the next import on the same connection once failed with "no such table".
    const v = await vault();
    const dir = tempDir();
    const rows = Array.from({ length: 25_000 }, (_, i) => sms(Date.UTC(2024, 0, 1) + i * 1000, `message ${i}`)).join('');
    const cut = path.join(dir, 'cut.xml');
    fs.writeFileSync(cut, smses(Date.UTC(2024, 1, 1), rows).slice(0, -40));
    await expect(importAll(v, [cut], { readIn: 'thread' })).rejects.toBeInstanceOf(MalformedBackupError);
    const good = path.join(dir, 'good.xml');
    fs.writeFileSync(good, smses(Date.UTC(2024, 1, 2), sms(Date.UTC(2023, 0, 1), 'after the failure')));
    await importAll(v, [good], { readIn: 'thread' });
    expect(await counts(v)).toEqual({ sms: 1, mms: 0, calls: 0 });
  });

  for (const name of fs.readdirSync(fixture('sbr')).filter((n) => n !== TRUNCATED)) {
    it(`${name} imports what the file holds (not what its count says)`, async () => {
      const v = await vault();
      const [r] = await importAll(v, [fixture('sbr', name)]);
      const expected = elementCounts(fixture('sbr', name));
      expect(r?.status).toBe('complete');
      expect({ sms: r?.sms, mms: r?.mms, calls: r?.calls }).toEqual(expected);
      expect(r?.counts.read).toBe(expected.sms + expected.mms + expected.calls);
      const stored = await counts(v);
      expect(stored.sms + stored.mms + stored.calls).toBe(r?.counts.new);
    });
  }

  it('re-importing the same bytes is skipped by hash and changes nothing', async () => {
    const v = await vault();
    const file = fixture('sbr', 'mms-media.xml');
    const [first] = await importAll(v, [file]);
    const before = await dumpVault(v);
    const [again] = await importAll(v, [file]);
    expect(again).toMatchObject({ status: 'skipped', backupId: first?.backupId, counts: { new: 0, duplicate: first?.counts.new } });
    expect(await dumpVault(v)).toEqual(before);
    expect(await listBackups(v)).toHaveLength(1);
  });

  it('re-importing the same file with --force adds nothing and notes the sighting', async () => {
    const v = await vault();
    const file = fixture('sbr', 'mms-media.xml');
    const [first] = await importAll(v, [file]);
    const before = await dumpVault(v);
    const [second] = await importAll(v, [file], { force: true });
    expect(second?.counts).toMatchObject({ new: 0, updated: 0, duplicate: first?.counts.new });
    expect(await dumpVault(v)).toEqual(before);
    const last = await v.db.selectFrom('messages').select(['first_backup_id', 'last_backup_id']).executeTakeFirstOrThrow();
    expect(last).toEqual({ first_backup_id: first?.backupId, last_backup_id: second?.backupId });
  });

  it('stores the same picture once however many messages carry it', async () => {
    const v = await vault();
    await importAll(v, [fixture('sbr', TRUNCATED), fixture('sbr', 'mms-media.xml')], { salvage: true });
    // The same PNG travels in two MMS of the Google Messages backup.
    const refs = await v.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).execute();
    expect(refs.length).toBeGreaterThan(new Set(refs.map((p) => p.blob_sha256)).size);
    const parts = await v.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).execute();
    const unique = new Set(parts.map((p) => p.blob_sha256));
    expect((await listBlobs(v.blobs)).sort()).toEqual([...unique].sort());
  });

  it('keeps MMS with corrupt media, marks the parts damaged and warns', async () => {
    const v = await vault();
    const [r] = await importAll(v, [fixture('sbr', 'corrupt-base64.xml')]);
    expect(r?.mms).toBe(2);
    expect(r?.counts.warnings).toBeGreaterThanOrEqual(2);
    const damaged = await v.db.selectFrom('mms_parts').select(['damage', 'raw_data']).where('damage', 'is not', null).execute();
    expect(damaged).toHaveLength(2);
    expect(damaged[0]).toEqual({ damage: 'corrupt', raw_data: '/9j/#### this is no base64 ####' });
  });

  it('records the run in the backups list with its counts and file hash', async () => {
    const v = await vault();
    const file = fixture('sbr', 'sms-threads.xml');
    await importAll(v, [file]);
    const [run] = await listBackups(v);
    expect(run).toMatchObject({ file: 'sms-threads.xml', format: 'sbr', content: 'messages', status: 'complete', read: 12, new: 12 });
    expect(run?.size).toBe(fs.statSync(file).size);
    expect(run?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads gzip files and every backup inside a ZIP archive', async () => {
    const dir = tempDir();
    const gz = write(dir, 'backup.bin', zlib.gzipSync(fs.readFileSync(fixture('sbr', 'sms-threads.xml'))));
    const zip = new yazl.ZipFile();
    zip.addFile(fixture('sbr', 'sms-mms-small.xml'), 'phone/sms-1.xml');
    zip.addFile(fixture('sbr', 'mms-media.xml'), 'phone/sms-2.xml');
    zip.end();
    const zipFile = path.join(dir, 'backups.zip');
    await new Promise<void>((resolve, reject) => {
      zip.outputStream.pipe(fs.createWriteStream(zipFile)).on('close', resolve).on('error', reject);
    });
    const v = await vault();
    const results = await importAll(v, [gz, zipFile]);
    expect(results.map((r) => [path.relative(dir, r.file), r.counts.read])).toEqual([
      ['backup.bin', 12],
      ['backups.zip!phone/sms-1.xml', 7],
      ['backups.zip!phone/sms-2.xml', 4],
    ]);
  });
});

describe('overlapping backups', () => {
  const A = smses(1_000, sms(1, 'one', 'type="4" read="0"') + sms(2, 'two') + sms(3, 'three'));
  const B = smses(2_000, sms(1, 'one', 'type="2" read="1"') + sms(3, 'three') + sms(4, 'four'));
  const AB = smses(2_000, [A, B].map((x) => x.split('\n').filter((l) => l.includes('<sms ')).join('\n') + '\n').join(''));

  it('A then B equals B then A equals A+B in one file, and state changes update', async () => {
    const dir = tempDir();
    const a = write(dir, 'a.xml', A);
    const b = write(dir, 'b.xml', B);
    const ab = write(dir, 'ab.xml', AB);
    const v1 = await vault();
    const [, rb] = await importAll(v1, [a, b]);
    expect(rb?.counts).toMatchObject({ read: 3, new: 1, updated: 1, duplicate: 1 });
    const v2 = await vault();
    const [, ra] = await importAll(v2, [b, a]);
    expect(ra?.counts).toMatchObject({ read: 3, new: 1, updated: 0, duplicate: 2 });
    const v3 = await vault();
    await importAll(v3, [ab]);
    const d1 = await dumpVault(v1);
    expect(await dumpVault(v2)).toEqual(d1);
    expect(await dumpVault(v3)).toEqual(d1);
    expect(d1.messages).toHaveLength(4);
    const one = d1.messages.find((m) => m.date_ms === 1);
    expect(one?.attrs).toContainEqual(['type', '2']);
  });

  it('rejects records without a usable date, counts and names them, and imports the rest', async () => {
    const dir = tempDir();
    const file = write(dir, 'r.xml', smses(1, `  <sms address="+15550001111" type="1" body="no date" />\n  <sms address="+15550001111" date="soon" type="1" body="bad date" />\n${sms(7, 'fine')}`));
    const v = await vault();
    const [r] = await importAll(v, [file]);
    expect(r?.counts).toMatchObject({ read: 3, new: 1, rejected: 2, warnings: 2 });
    expect(r?.warnings.map((w) => [w.code, w.line])).toEqual([
      ['record-rejected', 3],
      ['record-rejected', 4],
    ]);
    expect(r?.warnings[0]?.message).toMatch(/sms #1 rejected: sms without a valid date/);
  });

  it('keeps "null", "" and a missing attribute apart', async () => {
    const dir = tempDir();
    const file = write(dir, 'n.xml', smses(1, `  <sms address="+15550001111" date="5" type="1" subject="null" body="" />\n  <sms address="+15550001111" date="6" type="1" body="x" />\n`));
    const v = await vault();
    await importAll(v, [file]);
    const d = await dumpVault(v);
    expect(d.messages[0]?.attrs).toEqual([['address', '+15550001111'], ['date', '5'], ['type', '1'], ['subject', 'null'], ['body', '']]);
    expect(d.messages[1]?.attrs).toEqual([['address', '+15550001111'], ['date', '6'], ['type', '1'], ['body', 'x']]);
  });
});

describe('bad input changes nothing', () => {
  it('a file that is not a backup gets a one-line error naming it', async () => {
    const dir = tempDir();
    const v = await vault();
    const html = write(dir, 'page.xml', '<!doctype html><html><body>hi</body></html>');
    const json = write(dir, 'data.xml', '{"messages": []}');
    const other = write(dir, 'other.xml', `${HEAD}<contacts><contact/></contacts>`);
    for (const f of [html, json, other]) {
      const err = await importAll(v, [f]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const msg = (err as Error).message;
      expect(msg).toContain(f);
      expect(msg.split('\n')).toHaveLength(1);
    }
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    expect(await listBackups(v)).toEqual([]);
    const err = await importAll(v, [other]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotABackupError);
  });

  it('a truncated file fails with line:column and leaves the vault exactly as before', async () => {
    const dir = tempDir();
    const v = await vault();
    await importAll(v, [fixture('sbr', 'sms-threads.xml')]);
    const before = await dumpVault(v);
    const blobsBefore = await listBlobs(v.blobs);
    const text = fs.readFileSync(fixture('sbr', 'mms-media.xml'), 'utf8');
    const cut = write(dir, 'cut.xml', text.slice(0, Math.floor(text.length * 0.7)));
    const err = await importAll(v, [cut]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as Error).message).toMatch(/cut\.xml:\d+:\d+: /);
    expect(await dumpVault(v)).toEqual(before);
    expect(await listBlobs(v.blobs)).toEqual(blobsBefore);
    expect((await listBackups(v)).length).toBe(1);
  });

  it('--salvage keeps every complete record before the damage and records a partial run', async () => {
    const dir = tempDir();
    const v = await vault();
    const lines = fs.readFileSync(fixture('sbr', 'sms-threads.xml'), 'utf8').split('\n');
    // header (3 lines) + 5 complete records + half of the 6th
    const broken = write(dir, 'broken.xml', [...lines.slice(0, 8), (lines[8] ?? '').slice(0, 60)].join('\n'));
    const [r] = await importAll(v, [broken], { salvage: true });
    expect(r?.status).toBe('partial');
    expect(r?.counts.new).toBe(5);
    expect(r?.salvageReason).toMatch(/broken\.xml:\d+:\d+/);
    const [run] = await listBackups(v);
    expect(run?.status).toBe('partial');
  });

  it('a DOCTYPE (entity expansion) is refused', async () => {
    const dir = tempDir();
    const v = await vault();
    const file = write(
      dir,
      'lol.xml',
      `${HEAD}<!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<smses count="1"><sms address="1" date="1" body="&b;" /></smses>`,
    );
    const err = await importAll(v, [file]).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/lol\.xml:2:1: .*DOCTYPE/);
    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
  });
});
