/**
 * The duplicate-detection cases and their expected outcomes, written once: test/vault/dedup.test.ts
 * runs them on the project's own files (test/fixtures/dedup), test/conformance/dedup-cases.test.ts
 * on the third-party samples. Only the file names and one decoded body differ between the two.
 */
import { expect, it } from 'vitest';
import { counts, importAll, useVaults } from './vault.js';

export interface DedupCaseFiles {
  multiFile: [string, string];
  multiFileWhitespace: [string, string];
  multipleDuplicates: string;
  differentSmil: string;
  missingCountryCode: string;
  alternateCountryCode: string;
  similarTimestamps: string;
  whitespaceDuplicates: string;
  crossSmsMms: string;
  utf16Surrogates: string;
  utf16Corrected: string;
  /** The body both UTF-16 files decode to. */
  utf16Body: string;
}

/** Defines one `it` per case inside the caller's describe block; `file` maps a name to a path. */
export function dedupCases(files: DedupCaseFiles, file: (name: string) => string): void {
  const vault = useVaults();
  const paths = (names: readonly string[]): string[] => names.map(file);

  it('multi-file part 1 + part 2: 3 + 3 messages, 2 shared: 4 unique', async () => {
    const v = await vault();
    const [a, b] = await importAll(v, paths(files.multiFile));
    expect(a?.counts).toMatchObject({ read: 3, new: 3, duplicate: 0 });
    expect(b?.counts).toMatchObject({ read: 3, new: 1, duplicate: 2 });
    expect(await counts(v)).toEqual({ sms: 3, mms: 1, calls: 0 });
  });

  it('multi-file whitespace: distinct by default, 2 unique (1 SMS, 1 MMS) ignoring whitespace', async () => {
    const strict = await vault();
    await importAll(strict, paths(files.multiFileWhitespace));
    expect(await counts(strict)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const loose = await vault({ 'dedup.ignore-whitespace': 'true' });
    await importAll(loose, paths(files.multiFileWhitespace));
    expect(await counts(loose)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('multiple duplicates: 4 copies of an SMS and 3 of an MMS in one file: 2 unique', async () => {
    const v = await vault();
    const [r] = await importAll(v, paths([files.multipleDuplicates]));
    expect(r?.counts).toMatchObject({ read: 7, new: 2, duplicate: 5 });
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('different SMIL: 10 copies whose SMIL differs: 1 unique', async () => {
    const v = await vault();
    await importAll(v, paths([files.differentSmil]));
    expect(await counts(v)).toEqual({ sms: 0, mms: 1, calls: 0 });
  });

  it('missing country code: the same SMS and MMS with and without +1: half remain', async () => {
    const v = await vault();
    const [r] = await importAll(v, paths([files.missingCountryCode]));
    expect(r?.region).toBe('US');
    expect(await counts(v)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('alternate country code: nothing is a duplicate with region US, half remain with calling code 2', async () => {
    const us = await vault({ region: 'US' });
    await importAll(us, paths([files.alternateCountryCode]));
    expect(await counts(us)).toEqual({ sms: 2, mms: 2, calls: 0 });
    const two = await vault({ region: '+2' });
    await importAll(two, paths([files.alternateCountryCode]));
    expect(await counts(two)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('similar timestamps: distinct by default, half remain ignoring milliseconds', async () => {
    const strict = await vault();
    await importAll(strict, paths([files.similarTimestamps]));
    expect(await counts(strict)).toEqual({ sms: 4, mms: 4, calls: 0 });
    const loose = await vault({ 'dedup.ignore-milliseconds': 'true' });
    await importAll(loose, paths([files.similarTimestamps]));
    expect(await counts(loose)).toEqual({ sms: 2, mms: 2, calls: 0 });
  });

  it('whitespace duplicates: distinct by default, 1 SMS + 1 MMS ignoring whitespace', async () => {
    const strict = await vault();
    await importAll(strict, paths([files.whitespaceDuplicates]));
    expect(await counts(strict)).toEqual({ sms: 5, mms: 5, calls: 0 });
    const loose = await vault();
    await importAll(loose, paths([files.whitespaceDuplicates]), { match: { ignoreWhitespace: true } });
    expect(await counts(loose)).toEqual({ sms: 1, mms: 1, calls: 0 });
  });

  it('cross SMS/MMS: two messages by default, one under cross-protocol matching', async () => {
    const strict = await vault();
    await importAll(strict, paths([files.crossSmsMms]));
    expect(await counts(strict)).toEqual({ sms: 1, mms: 1, calls: 0 });
    const loose = await vault({ 'dedup.cross-protocol': 'true' });
    const [r] = await importAll(loose, paths([files.crossSmsMms]));
    expect(r?.counts).toMatchObject({ new: 1, duplicate: 1 });
    const c = await counts(loose);
    expect(c.sms + c.mms).toBe(1);
  });

  it('UTF-16: surrogate-pair emoji copies are one message, equal to the correctly written file', async () => {
    const v = await vault();
    const [a, b] = await importAll(v, paths([files.utf16Surrogates, files.utf16Corrected]));
    expect(a?.counts).toMatchObject({ read: 2, new: 1, duplicate: 1 });
    expect(b?.counts).toMatchObject({ read: 2, new: 0, duplicate: 2 });
    const row = await v.db.selectFrom('messages').select('body').executeTakeFirstOrThrow();
    expect(row.body).toBe(files.utf16Body);
  });

  it('options never merge messages whose participants differ', async () => {
    const v = await vault({ 'dedup.ignore-whitespace': 'true', 'dedup.ignore-milliseconds': 'true', 'dedup.cross-protocol': 'true' });
    await importAll(v, paths(files.multiFile));
    expect(await counts(v)).toEqual({ sms: 3, mms: 1, calls: 0 });
  });
}
