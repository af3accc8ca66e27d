import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCallsBackup, writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { exportNdjson, NDJSON_FILE } from '../../../src/vault/export/ndjson-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import type { Vault } from '../../../src/vault/vault.js';
import { importExportFixture } from '../../helpers/export-fixture.js';
import { expectGolden } from '../../helpers/golden.js';
import { fixture, tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';

process.env.TZ = 'Asia/Tokyo';
const ALL = new Set<ExportKind>(['sms', 'mms', 'calls']);
const vault = useVaults();
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

/** Export everything as NDJSON, import it into a fresh vault (its own media folder), compare dumps. */
async function roundTrip(v: Vault): Promise<string> {
  const out = tempDir();
  const result = await exportNdjson(v, { kinds: ALL }, { outDir: out, now: NOW });
  expect(result.warnings).toEqual([]);
  const fresh = await vault();
  const imported = await importAll(fresh, [path.join(out, NDJSON_FILE)]);
  expect(imported.map((r) => [r.format, r.status, r.counts.rejected])).toEqual([['textvault-ndjson', 'complete', 0]]);
  expect(await dumpVault(fresh)).toEqual(await dumpVault(v));
  // The blobs came from the export's media folder and hash right.
  for (const m of fs.readdirSync(path.join(out, 'media'), { withFileTypes: true })) expect(await fresh.blobs.has(m.name)).toBe(true);
  // Importing it into the vault it came from adds nothing.
  for (const r of await importAll(v, [path.join(out, NDJSON_FILE)])) expect(r.counts).toMatchObject({ new: 0, updated: 0 });
  return out;
}

describe('NDJSON export', () => {
  it('writes the golden lines for the fixture', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const result = await exportNdjson(v, { kinds: ALL }, { outDir: out, now: NOW });
    expect(result.files.map((f) => [path.basename(f.path), f.records])).toEqual([
      [NDJSON_FILE, 13],
      ['media', 5],
    ]);
    const text = fs.readFileSync(path.join(out, NDJSON_FILE), 'utf8');
    expectGolden('textvault.ndjson', text);
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
    // Media are named by hash and hold their bytes.
    expect(fs.readdirSync(path.join(out, 'media')).every((n) => /^[0-9a-f]{64}$/.test(n))).toBe(true);
  });

  it('round-trips the fixture losslessly (fresh vault, identical canonical dump)', async () => {
    const v = await vault();
    await importExportFixture(v);
    await roundTrip(v);
  });

  for (const name of ['google-messages-truncated.xml', 'mms-media.xml', 'corrupt-base64.xml']) {
    it(`round-trips the shared fixture ${name}`, async () => {
      const v = await vault();
      await importAll(v, [fixture('sbr', name)], { salvage: true });
      await roundTrip(v);
    });
  }

  it('round-trips a generated archive (emoji in every encoding, groups, media, calls)', async () => {
    const dir = tempDir();
    await writeSmsBackup(path.join(dir, 'sms.xml'), { seed: 6, sms: 3_000, mms: 100, mediaBytes: 2_000 });
    await writeCallsBackup(path.join(dir, 'calls.xml'), { seed: 6, calls: 500 });
    const v = await vault();
    await importAll(v, [path.join(dir, 'sms.xml'), path.join(dir, 'calls.xml')]);
    await roundTrip(v);
  }, 60_000);

  it('carries the address book: contacts without messages, names that override the backups, photos', async () => {
    const v = await vault();
    await importExportFixture(v);
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const vcf = path.join(tempDir(), 'contacts.vcf');
    fs.writeFileSync(
      vcf,
      `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zed Only-In-Address-Book\r\nTEL:+15550009999\r\nPHOTO;ENCODING=b;TYPE=PNG:${png}\r\nEND:VCARD\r\n` +
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice Renamed\r\nTEL:+15550001001\r\nEND:VCARD\r\n',
    );
    await importAll(v, [vcf]);
    const contactsOf = (x: Vault): Promise<unknown[]> => x.db.selectFrom('contacts').select(['address_norm', 'name', 'photo_sha256']).orderBy('address_norm').execute();
    expect(await contactsOf(v)).toContainEqual({ address_norm: '+15550001001', name: 'Alice Renamed', photo_sha256: null });
    const out = await roundTrip(v);
    const lines = fs.readFileSync(path.join(out, NDJSON_FILE), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; photo?: { path: string } });
    const zed = lines.find((l) => l.type === 'contact' && JSON.stringify(l).includes('Zed'));
    expect(zed?.photo?.path).toMatch(/^media\/[0-9a-f]{64}$/);
    const fresh = await vault();
    await importAll(fresh, [path.join(out, NDJSON_FILE)]);
    expect(await contactsOf(fresh)).toEqual(await contactsOf(v));
  });

  it('refuses an export whose media folder is missing, and changes nothing', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    await exportNdjson(v, { kinds: ALL }, { outDir: out, now: NOW });
    fs.rmSync(path.join(out, 'media'), { recursive: true });
    const fresh = await vault();
    await expect(importAll(fresh, [path.join(out, NDJSON_FILE)])).rejects.toThrow(/put the export's media\/ folder beside the NDJSON file/);
    expect(await dumpVault(fresh)).toEqual({ messages: [], calls: [], contacts: [] });
  });

  it('refuses media whose bytes do not match their hash, and leaves the vault unchanged', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    await exportNdjson(v, { kinds: ALL }, { outDir: out, now: NOW });
    const [first] = fs.readdirSync(path.join(out, 'media'));
    if (first === undefined) throw new Error('no media exported');
    fs.writeFileSync(path.join(out, 'media', first), 'tampered');
    const fresh = await vault();
    await expect(importAll(fresh, [path.join(out, NDJSON_FILE)])).rejects.toThrow(/does not hold the media it names/);
    expect((await dumpVault(fresh)).messages).toEqual([]);
  });

  it('exports only the selection', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const result = await exportNdjson(v, { contact: 'Борис', kinds: new Set<ExportKind>(['sms', 'calls']) }, { outDir: out, now: NOW });
    expect([result.messages, result.calls]).toEqual([3, 1]);
    const lines = fs.readFileSync(path.join(out, NDJSON_FILE), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; kind?: string });
    expect(lines.map((l) => l.kind ?? l.type)).toEqual(['header', 'sms', 'sms', 'sms', 'call', 'contact']);
    expect(fs.existsSync(path.join(out, 'media'))).toBe(false);
  });
});
