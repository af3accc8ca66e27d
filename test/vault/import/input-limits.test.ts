/**
 * Issue #29, items 4 and 5: compressed input that expands far beyond its size, ZIP archives whose
 * entries overlap, and a vault's disk near full. Each hostile file is built here for real and
 * imported the way an upload is (untrusted: in the reader thread); each import fails with a
 * typed error naming the file, the limit and how to raise it, and leaves the vault as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { InputError } from '../../../src/formats/container.js';
import { LimitExceededError } from '../../../src/formats/limits.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { DiskSpaceError } from '../../../src/vault/import/disk-space.js';
import { importFile, type ImportOptions } from '../../../src/vault/import/import-backup.js';
import type { Vault } from '../../../src/vault/vault.js';
import { tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';
import { writeZip } from '../../helpers/zip.js';

const vault = useVaults();
const MiB = 1024 * 1024;
const UPLOAD: ImportOptions = { untrusted: true };

/** A vault holding one real backup, so "unchanged" means something. */
async function seeded(settings: Record<string, string> = {}): Promise<{ v: Vault; before: unknown }> {
  const v = await vault(settings);
  const file = path.join(tempDir(), 'sms-seed.xml');
  await writeSmsBackup(file, { seed: 3, sms: 200, mms: 5, mediaBytes: 2_000 });
  await importAll(v, [file]);
  return { v, before: await dumpVault(v) };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the import succeeded');
}

/** `<smses>`, then `blocks` times one SMS and ~1 MiB of line breaks, then `</smses>`, gzipped as generated. */
async function writeGzipBomb(file: string, blocks: number): Promise<void> {
  const padding = Buffer.alloc(MiB, '\n');
  function* xml(): Generator<Buffer> {
    yield Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<smses count="0">\n');
    for (let n = 0; n < blocks; n++) {
      yield Buffer.from(`<sms protocol="0" address="+1555000${String(n % 1000).padStart(4, '0')}" date="${String(1_700_000_000_000 + n)}" type="1" body="bomb ${String(n)}" read="1" status="-1" />\n`);
      yield padding;
    }
    yield Buffer.from('</smses>\n');
  }
  await pipeline(Readable.from(xml()), createGzip({ level: 9, memLevel: 9 }), fs.createWriteStream(file));
}

/**
 * A ZIP whose central directory lists `copies` entries, all pointing at the one local file of
 * `content`: each would be inflated (and imported) on its own.
 */
async function writeOverlappingZip(file: string, names: (n: number) => string, copies: number, content: Buffer, extra: Record<string, Buffer> = {}): Promise<void> {
  const single = path.join(tempDir(), 'single.zip');
  await writeZip(single, { ...extra, [names(0)]: content });
  const zip = fs.readFileSync(single);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = zip.readUInt32LE(eocd + 16);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const entriesBefore = zip.readUInt16LE(eocd + 10);
  // The central entries; the last one is the entry to copy.
  const central = zip.subarray(cdOffset, cdOffset + cdSize);
  let at = 0;
  let last = 0;
  for (let k = 0; k < entriesBefore; k++) {
    last = at;
    at += 46 + central.readUInt16LE(at + 28) + central.readUInt16LE(at + 30) + central.readUInt16LE(at + 32);
  }
  const template = central.subarray(last, at);
  const copiesCd: Buffer[] = [central];
  for (let n = 1; n < copies; n++) {
    const name = Buffer.from(names(n));
    const entry = Buffer.concat([template.subarray(0, 46), name, template.subarray(46 + template.readUInt16LE(28))]);
    entry.writeUInt16LE(name.length, 28);
    copiesCd.push(entry);
  }
  const cd = Buffer.concat(copiesCd);
  const end = Buffer.from(zip.subarray(eocd, eocd + 22));
  end.writeUInt16LE(entriesBefore + copies - 1, 8);
  end.writeUInt16LE(entriesBefore + copies - 1, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  fs.writeFileSync(file, Buffer.concat([zip.subarray(0, cdOffset), cd, end]));
}

describe('decompression limits', () => {
  it('refuses a ~1 MB gzip that expands past 1 GiB at its expansion ratio, keeping nothing, in bounded memory', async () => {
    const { v, before } = await seeded();
    const file = path.join(tempDir(), 'sms-bomb.xml.gz');
    await writeGzipBomb(file, 1100);
    const size = fs.statSync(file).size;
    expect(size).toBeLessThan(2 * MiB);
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const e = await failure(importFile(v, file, UPLOAD));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e).toMatchObject({ limit: 'maxExpansionRatio' });
    expect(e.message).toMatch(/^.*sms-bomb\.xml\.gz: its [\d.]+ (KiB|MiB) expand to more than [\d.]+ MiB when decompressed \(more than 200 times their size; a decompression bomb\?\), over the limit of 200:1 \(setting import\.max-expansion-ratio\)/);
    expect(e.message).toContain('textvault config set import.max-expansion-ratio VALUE');
    // Refused at ~200 times the file's size, long before the gigabyte.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * MiB);
    expect(await dumpVault(v)).toEqual(before);
  }, 120_000);

  it('refuses gzip input past import.max-expanded-size whatever its ratio, and reads it once raised', async () => {
    const { v, before } = await seeded({ 'import.max-expanded-size': '1MB' });
    const plain = path.join(tempDir(), 'sms-2.xml');
    await writeSmsBackup(plain, { seed: 5, sms: 10_000, mms: 0, mediaBytes: 0 });
    const file = `${plain}.gz`;
    await pipeline(fs.createReadStream(plain), createGzip(), fs.createWriteStream(file));
    const e = await failure(importFile(v, file, UPLOAD));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.message).toContain('sms-2.xml.gz: it expands to more than 1 MiB when decompressed, over the limit of 1 MiB (setting import.max-expanded-size)');
    expect(await dumpVault(v)).toEqual(before);
    await v.config.set('import.max-expanded-size', '1GB');
    const [r] = await importFile(v, file, UPLOAD);
    expect(r?.sms).toBe(10_000);
  }, 60_000);

  it('counts a ZIP archive by its entries together', async () => {
    const { v, before } = await seeded({ 'import.max-expanded-size': '1MB' });
    const a = path.join(tempDir(), 'sms-a.xml');
    await writeSmsBackup(a, { seed: 6, sms: 3_000, mms: 0, mediaBytes: 0 });
    const content = fs.readFileSync(a);
    expect(content.length).toBeLessThan(MiB);
    const file = path.join(tempDir(), 'two.zip');
    await writeZip(file, { 'sms-a.xml': content, 'sms-b.xml': content });
    const e = await failure(importFile(v, file, UPLOAD));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.message).toContain('two.zip: it expands to more than 1 MiB when decompressed');
    expect(await dumpVault(v)).toEqual(before);
  }, 60_000);
});

describe('overlapping ZIP entries', () => {
  it('refuses 2,000 central-directory entries pointing at one local file, at once, keeping nothing', async () => {
    const { v, before } = await seeded();
    const one = path.join(tempDir(), 'sms-one.xml');
    await writeSmsBackup(one, { seed: 8, sms: 1_500, mms: 0, mediaBytes: 0 });
    const content = fs.readFileSync(one);
    const file = path.join(tempDir(), 'overlap.zip');
    await writeOverlappingZip(file, (n) => `sms-${String(n).padStart(4, '0')}.xml`, 2_000, content);
    const started = Date.now();
    const e = await failure(importFile(v, file, UPLOAD));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(`${file}: refusing the archive: entries "sms-0000.xml" and "sms-0001.xml" start at the same place in the file, which only a zip bomb does`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await dumpVault(v)).toEqual(before);
  }, 60_000);

  it('refuses an SMS Import/Export archive whose media entries share one local file', async () => {
    const { v, before } = await seeded();
    const messages = Buffer.from('{"address":"+15550001","date":"1700000000000","type":"1","body":"hi"}\n');
    const file = path.join(tempDir(), 'messages.zip');
    // Small media, so that what they add up to stays under the expansion limits: the overlap is what is refused.
    await writeOverlappingZip(file, (n) => `data/part${String(n).padStart(4, '0')}.jpg`, 2_000, Buffer.alloc(4 * 1024, 1), { 'messages.ndjson': messages });
    const e = await failure(importFile(v, file, UPLOAD));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('refusing the archive: entries "data/part0000.jpg" and "data/part0001.jpg" start at the same place in the file');
    expect(await dumpVault(v)).toEqual(before);
  }, 60_000);
});

describe('free space on the vault disk', () => {
  it('stops an import, keeping nothing, when the disk has less free than import.min-free-space', async () => {
    const { v, before } = await seeded();
    // More than any disk this test runs on has free: the real statfs answer is below it.
    await v.config.set('import.min-free-space', '1000TB');
    const file = path.join(tempDir(), 'sms-3.xml');
    await writeSmsBackup(file, { seed: 9, sms: 500, mms: 2, mediaBytes: 1_000 });
    const e = await failure(importFile(v, file, UPLOAD));
    expect(e).toBeInstanceOf(DiskSpaceError);
    expect(e.message).toMatch(/sms-3\.xml: stopped, keeping nothing: the vault's disk is nearly full \([\d.]+ [KMGT]iB free, less than the 1000 TiB kept free; setting import\.min-free-space\)/);
    expect(await dumpVault(v)).toEqual(before);
  }, 60_000);
});
