/**
 * Third-party samples (samples.ts) through the rest of the pipeline: a second parser, the SBR
 * writer, import and SBR export: the same checks the main suite makes on test/fixtures.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../src/formats/errors.js';
import type { Attr } from '../../src/formats/records.js';
import { dumpVault } from '../../src/vault/dump.js';
import { exportSbr } from '../../src/vault/export/sbr-export.js';
import type { ExportKind } from '../../src/vault/export/selection.js';
import { readBuffer } from '../formats/sbr/helpers.js';
import { plain, readWithSaxes } from '../formats/sbr/normalize.js';
import { content, headerOf, MemoryMedia, read, write } from '../formats/sbr/round-trip.js';
import { canonicalSet, readRecords } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';
import { DEDUP_SAMPLES, noSamples, SBR_SAMPLES, sample, sampleNames } from './samples.js';

const skip = noSamples();
const vault = useVaults();
const ALL_KINDS = new Set<ExportKind>(['sms', 'mms', 'calls']);
/** A real backup that ends inside its 9th <mms>. */
const TRUNCATED = 'sms_and_mms.xml';
const SAMPLES = [
  ...sampleNames(SBR_SAMPLES).map((name) => ({ dir: SBR_SAMPLES, name })),
  ...sampleNames(DEDUP_SAMPLES).map((name) => ({ dir: DEDUP_SAMPLES, name })),
];
const bytes = (dir: string, name: string): Buffer => fs.readFileSync(sample(dir, name));

describe.skipIf(skip)('third-party samples against saxes', () => {
  it('saxes refuses only the samples with quirks it does not accept', () => {
    const refused = SAMPLES.filter(({ dir, name }) => {
      try {
        readWithSaxes(bytes(dir, name).toString('utf8'));
        return false;
      } catch {
        return true;
      }
    }).map((f) => f.name);
    // Surrogate-pair references, and a file cut short.
    expect(refused.sort()).toEqual(['sms_and_mms.xml', 'utf16_encoding.xml']);
  });

  it.each(SAMPLES.filter((f) => f.name !== TRUNCATED && f.name !== 'utf16_encoding.xml'))('$name: same records as saxes', ({ dir, name }) => {
    const data = bytes(dir, name);
    const result = readBuffer(data);
    expect(result.error).toBeUndefined();
    expect(plain(result.records)).toEqual(readWithSaxes(data.toString('utf8')));
  });
});

describe.skipIf(skip)('third-party samples through the SBR writer', () => {
  it.each(SAMPLES)('$name: the written file reads back as the same records', async ({ dir, name }) => {
    const media = new MemoryMedia();
    const first = await read(bytes(dir, name), media, name);
    if (name !== TRUNCATED) expect(first.error).toBeUndefined();
    const again = await read(await write(first.records, headerOf(first), media), media, name);
    expect(again.error).toBeUndefined();
    expect(content(again.records)).toEqual(content(first.records));
    if (dir === SBR_SAMPLES) {
      const expected = first.header?.rootAttrs.map(([n, v]): Attr => [n, n === 'count' ? String(first.records.length) : v]);
      expect(again.header?.rootAttrs).toEqual(expected);
    }
  });

  it('sms_small.xml is written back byte for byte, prolog included', async () => {
    const data = bytes(SBR_SAMPLES, 'sms_small.xml');
    const media = new MemoryMedia();
    const first = await read(data, media);
    expect((await write(first.records, headerOf(first), media)).toString()).toBe(data.toString());
  });

  it('sms_and_mms.xml (real app output): every complete record is written back line for line', async () => {
    const data = bytes(SBR_SAMPLES, TRUNCATED);
    const source = data.toString().split('\n');
    const media = new MemoryMedia();
    const first = await read(data, media);
    const written = (await write(first.records, headerOf(first), media)).toString().split('\n');
    const complete = source.slice(0, source.lastIndexOf('  </mms>') + 1);
    expect(written).toHaveLength(complete.length + 2);
    const differing = complete.flatMap((line, i) => (line === written[i] ? [] : [i + 1]));
    // Line 3: count="58" becomes the 49 records there are. Line 45: the app indented that one
    // <mms> by four spaces instead of two.
    expect(differing).toEqual([3, 45]);
    expect(written[2]).toBe(complete[2]?.replace('count="58"', 'count="49"'));
  });
});

describe.skipIf(skip)('third-party samples imported and exported', () => {
  it(`${TRUNCATED} fails with line:column, and --salvage keeps the 49 complete records`, async () => {
    const v = await vault();
    const err = await importAll(v, [sample(SBR_SAMPLES, TRUNCATED)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as Error).message).toMatch(/sms_and_mms\.xml:134:5: .*truncated/);
    const [r] = await importAll(v, [sample(SBR_SAMPLES, TRUNCATED)], { salvage: true });
    expect(r).toMatchObject({ status: 'partial', sms: 41, mms: 8, counts: { read: 49, new: 49 } });
    expect(await counts(v)).toEqual({ sms: 41, mms: 8, calls: 0 });
  });

  it('the same picture in several MMS is stored once', async () => {
    const v = await vault();
    await importAll(v, [sample(SBR_SAMPLES, TRUNCATED), sample(SBR_SAMPLES, 'e2e-sample_mms.xml')], { salvage: true });
    const refs = await v.db.selectFrom('mms_parts').select('blob_sha256').where('blob_sha256', 'is not', null).execute();
    expect(refs.length).toBeGreaterThan(new Set(refs.map((p) => p.blob_sha256)).size);
  });

  it.each(SAMPLES.filter((f) => f.dir === SBR_SAMPLES && f.name !== 'e2e-empty.xml'))('$name round-trips through SBR export', async ({ dir, name }) => {
    const source = sample(dir, name);
    const salvage = name === TRUNCATED;
    const v = await vault();
    await importAll(v, [source], { salvage });
    const result = await exportSbr(v, { kinds: ALL_KINDS }, { outDir: tempDir(), split: 0 });
    const exported = result.files.map((f) => f.path);
    const back = (await Promise.all(exported.map((f) => readRecords(f)))).flat();
    expect(canonicalSet(back)).toEqual(canonicalSet(await readRecords(source, { salvage })));
    const fresh = await vault();
    await importAll(fresh, exported);
    expect(await dumpVault(fresh)).toEqual(await dumpVault(v));
  });
});
