/**
 * Every expected outcome of the third-party dedup cases (samples.ts; see their README), strict and
 * with options: the same checks test/vault/dedup.test.ts makes on the project's own cases.
 */
import { describe, expect, it } from 'vitest';
import { counts, importAll, useVaults } from '../helpers/vault.js';
import { DEDUP_SAMPLES, noSamples, sample } from './samples.js';

const dedup = (name: string): string => sample(DEDUP_SAMPLES, name);
const vault = useVaults();

describe.skipIf(noSamples())('third-party dedup cases', () => {
  it('multi_file part1 + part2: 3 + 3 messages, 2 shared: 4 unique', async () => {
    const v = await vault();
    const [a, b] = await importAll(v, [dedup('multi_file_part1.xml'), dedup('multi_file_part2.xml')]);
    expect(a?.counts).toMatchObject({ read: 3, new: 3, duplicate: 0 });
    expect(b?.counts).toMatchObject({ read: 3, new: 1, duplicate: 2 });
    expect(await counts(v)).toEqual({ sms: 3, mms: 1, calls: 0 });
  });

  it('multi_file_whitespace: distinct by default, 2 unique (1 SMS, 1 MMS) ignoring whitespace', async () => {
    const files = [dedup('multi_file_whitespace_part1.xml'), dedup('multi_file_whitespace_part2.xml')];
    const strict = await vault();
    await importAll(strict, files);
    expect(await counts(strict)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const loose = await vault({ 'dedup.ignore-whitespace': 'true' });
    await importAll(loose, files);
    expect(await counts(loose)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('multiple_duplicates: 4 copies of an SMS and 3 of an MMS in one file: 2 unique', async () => {
    const v = await vault();
    const [r] = await importAll(v, [dedup('multiple_duplicates.xml')]);
    expect(r?.counts).toMatchObject({ read: 7, new: 2, duplicate: 5 });
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('different_smil_format: 10 copies whose SMIL differs: 1 unique', async () => {
    const v = await vault();
    await importAll(v, [dedup('different_smil_format.xml')]);
    expect(await counts(v)).toEqual({ sms: 0, mms: 1, calls: 0 });
  });

  it('missing_country_code: the same SMS and MMS with and without +1: half remain', async () => {
    const v = await vault();
    const [r] = await importAll(v, [dedup('missing_country_code.xml')]);
    expect(r?.region).toBe('US');
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('alternate_country_code: nothing is a duplicate with region US, half remain with calling code 2', async () => {
    const us = await vault({ region: 'US' });
    await importAll(us, [dedup('alternate_country_code.xml')]);
    expect(await counts(us)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const two = await vault({ region: '+2' });
    await importAll(two, [dedup('alternate_country_code.xml')]);
    expect(await counts(two)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('similar_timestamps: distinct by default, half remain ignoring milliseconds', async () => {
    const strict = await vault();
    await importAll(strict, [dedup('similar_timestamps.xml')]);
    expect(await counts(strict)).toEqual({ sms: 4, mms: 4, calls: 0 });
    const loose = await vault({ 'dedup.ignore-milliseconds': 'true' });
    await importAll(loose, [dedup('similar_timestamps.xml')]);
    expect(await counts(loose)).toEqual({ sms: 2, mms: 2, calls: 0 });
  });

  it('whitespace_duplicates: distinct by default, 1 SMS + 1 MMS ignoring whitespace', async () => {
    const strict = await vault();
    await importAll(strict, [dedup('whitespace_duplicates.xml')]);
    expect(await counts(strict)).toEqual({ sms: 5, mms: 5, calls: 0 });
    const loose = await vault();
    await importAll(loose, [dedup('whitespace_duplicates.xml')], { match: { ignoreWhitespace: true } });
    expect(await counts(loose)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('cross_sms_mms_duplicate: two messages by default, one under cross-protocol matching', async () => {
    const strict = await vault();
    await importAll(strict, [dedup('cross_sms_mms_duplicate.xml')]);
    expect(await counts(strict)).toEqual({ sms: 1, mms: 1, calls: 0 });
    const loose = await vault({ 'dedup.cross-protocol': 'true' });
    const [r] = await importAll(loose, [dedup('cross_sms_mms_duplicate.xml')]);
    expect(r?.counts).toMatchObject({ new: 1, duplicate: 1 });
    const c = await counts(loose);
    expect(c.sms + c.mms).toBe(1);
  });

  it('utf16_encoding: surrogate-pair emoji copies are one message, equal to the correctly written file', async () => {
    const v = await vault();
    const [a, b] = await importAll(v, [dedup('utf16_encoding.xml'), dedup('utf16_encoding_corrected.xml')]);
    expect(a?.counts).toMatchObject({ read: 2, new: 1, duplicate: 1 });
    expect(b?.counts).toMatchObject({ read: 2, new: 0, duplicate: 2 });
    const row = await v.db.selectFrom('messages').select('body').executeTakeFirstOrThrow();
    expect(row.body).toBe('Some text content here 😂');
  });

  it('options never merge messages whose participants differ', async () => {
    const v = await vault({ 'dedup.ignore-whitespace': 'true', 'dedup.ignore-milliseconds': 'true', 'dedup.cross-protocol': 'true' });
    await importAll(v, [dedup('multi_file_part1.xml'), dedup('multi_file_part2.xml')]);
    expect(await counts(v)).toEqual({ sms: 3, mms: 1, calls: 0 });
  });
});
