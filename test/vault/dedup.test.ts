/**
 * Every duplicate-detection case of test/fixtures/dedup (see test/fixtures/README.md), strict and
 * with options. test/conformance/dedup-cases.test.ts checks the same outcomes on third-party samples.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/temp.js';
import { counts, importAll, useVaults } from '../helpers/vault.js';

const dedup = (name: string): string => fixture('dedup', name);
const vault = useVaults();

describe('dedup fixtures', () => {
  it('multi-file 1 + 2: 3 + 3 messages, 2 shared: 4 unique', async () => {
    const v = await vault();
    const [a, b] = await importAll(v, [dedup('multi-file-1.xml'), dedup('multi-file-2.xml')]);
    expect(a?.counts).toMatchObject({ read: 3, new: 3, duplicate: 0 });
    expect(b?.counts).toMatchObject({ read: 3, new: 1, duplicate: 2 });
    expect(await counts(v)).toEqual({ sms: 3, mms: 1, calls: 0 });
  });

  it('multi-file-whitespace: distinct by default, 2 unique (1 SMS, 1 MMS) ignoring whitespace', async () => {
    const files = [dedup('multi-file-whitespace-1.xml'), dedup('multi-file-whitespace-2.xml')];
    const strict = await vault();
    await importAll(strict, files);
    expect(await counts(strict)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const loose = await vault({ 'dedup.ignore-whitespace': 'true' });
    await importAll(loose, files);
    expect(await counts(loose)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('multiple-duplicates: 4 copies of an SMS and 3 of an MMS in one file: 2 unique', async () => {
    const v = await vault();
    const [r] = await importAll(v, [dedup('multiple-duplicates.xml')]);
    expect(r?.counts).toMatchObject({ read: 7, new: 2, duplicate: 5 });
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('different-smil: 10 copies whose SMIL differs: 1 unique', async () => {
    const v = await vault();
    await importAll(v, [dedup('different-smil.xml')]);
    expect(await counts(v)).toEqual({ sms: 0, mms: 1, calls: 0 });
  });

  it('missing-country-code: the same SMS and MMS with and without +1: half remain', async () => {
    const v = await vault();
    const [r] = await importAll(v, [dedup('missing-country-code.xml')]);
    expect(r?.region).toBe('US');
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('alternate-country-code: nothing is a duplicate with region US, half remain with calling code 2', async () => {
    const us = await vault({ region: 'US' });
    await importAll(us, [dedup('alternate-country-code.xml')]);
    expect(await counts(us)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const two = await vault({ region: '+2' });
    await importAll(two, [dedup('alternate-country-code.xml')]);
    expect(await counts(two)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('similar-timestamps: distinct by default, half remain ignoring milliseconds', async () => {
    const strict = await vault();
    await importAll(strict, [dedup('similar-timestamps.xml')]);
    expect(await counts(strict)).toEqual({ sms: 4, mms: 4, calls: 0 });
    const loose = await vault({ 'dedup.ignore-milliseconds': 'true' });
    await importAll(loose, [dedup('similar-timestamps.xml')]);
    expect(await counts(loose)).toEqual({ sms: 2, mms: 2, calls: 0 });
  });

  it('whitespace-duplicates: distinct by default, 1 SMS + 1 MMS ignoring whitespace', async () => {
    const strict = await vault();
    await importAll(strict, [dedup('whitespace-duplicates.xml')]);
    expect(await counts(strict)).toEqual({ sms: 5, mms: 5, calls: 0 });
    const loose = await vault();
    await importAll(loose, [dedup('whitespace-duplicates.xml')], { match: { ignoreWhitespace: true } });
    expect(await counts(loose)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('cross-sms-mms: two messages by default, one under cross-protocol matching', async () => {
    const strict = await vault();
    await importAll(strict, [dedup('cross-sms-mms.xml')]);
    expect(await counts(strict)).toEqual({ sms: 1, mms: 1, calls: 0 });
    const loose = await vault({ 'dedup.cross-protocol': 'true' });
    const [r] = await importAll(loose, [dedup('cross-sms-mms.xml')]);
    expect(r?.counts).toMatchObject({ new: 1, duplicate: 1 });
    const c = await counts(loose);
    expect(c.sms + c.mms).toBe(1);
  });

  it('utf16-surrogates: surrogate-pair emoji copies are one message, equal to the correctly written file', async () => {
    const v = await vault();
    const [a, b] = await importAll(v, [dedup('utf16-surrogates.xml'), dedup('utf16-corrected.xml')]);
    expect(a?.counts).toMatchObject({ read: 2, new: 1, duplicate: 1 });
    expect(b?.counts).toMatchObject({ read: 2, new: 0, duplicate: 2 });
    const row = await v.db.selectFrom('messages').select('body').executeTakeFirstOrThrow();
    expect(row.body).toBe('Well done 🎉 👍');
  });

  it('options never merge messages whose participants differ', async () => {
    const v = await vault({ 'dedup.ignore-whitespace': 'true', 'dedup.ignore-milliseconds': 'true', 'dedup.cross-protocol': 'true' });
    await importAll(v, [dedup('multi-file-1.xml'), dedup('multi-file-2.xml')]);
    expect(await counts(v)).toEqual({ sms: 3, mms: 1, calls: 0 });
  });
});
