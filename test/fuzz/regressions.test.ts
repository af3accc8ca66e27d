/**
 * The crashes `npm run fuzz` found (docs/reliability.md, "Fuzzing"), each kept as a fixture in
 * test/fixtures/fuzz/: imported into a vault that already holds an archive, each must end in a
 * one-line error naming the file and the place, the vault unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpVault } from '../../src/vault/dump.js';
import { importFile } from '../../src/vault/import/import-backup.js';
import { verifyVault } from '../../src/vault/verify.js';
import { unzip, zipOf } from '../../fuzz/containers.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { useVaults } from '../helpers/vault.js';

const vaults = useVaults();

const CASES: { file: string; error: RegExp; readIn?: 'thread' | 'worker' }[] = [
  // zlib's bare "unexpected end of file" reached the user without the file's name.
  // Now also where: zlib had read all of it.
  { file: 'truncated.xml.gz', error: /truncated\.xml\.gz: damaged gzip data near byte 700 \(unexpected end of file\)$/ },
  // The same for a ZIP entry's deflate data: zlib's "invalid bit length repeat" alone.
  { file: 'damaged-deflate.zip', error: /damaged-deflate\.zip!sm\\u0002xmms-small\.xml: damaged ZIP entry \(invalid bit length repeat\)$/ },
  // JSON.parse's message quotes the text around the error, line breaks included: a 3-line error.
  { file: 'qksms-broken-element.json', error: /qksms-broken-element\.json:\d+:\d+: element #1 \(line 4\) is not valid JSON \(.*\\u000a.*\); fix or delete it/ },
  // A message nested 20,000 deep parsed, then overflowed the stack (RangeError) when stored.
  { file: 'qksms-deep-nesting.json', error: /qksms-deep-nesting\.json:\d+:\d+: element #1 \(line 4\) nests arrays and objects more than 256 levels deep/ },
  { file: 'qksms-deep-nesting.json', error: /qksms-deep-nesting\.json:\d+:\d+: element #1 \(line 4\) nests arrays and objects more than 256 levels deep/, readIn: 'worker' },
  // A Takeout page of 100,000 nested <a>: 11 s in htmlparser2, then a stack overflow in DomUtils.
  { file: 'googlevoice-deep-page.zip', error: /googlevoice-deep-page\.zip!Takeout\/Voice\/Calls\/Group Conversation - [^:]+\.html:19:785: the page nests elements more than 256 deep$/ },
  // A character reference cut by a line break, quoted in the message with the break: 2 lines.
  { file: 'sbr-reference-line-break.xml', error: /sbr-reference-line-break\.xml:4:105: undefined entity "&#55\\u000a56;"$/ },
  // An end tag's "name" ran to the next ">", across a line, all of it quoted.
  { file: 'titanium-end-tag-line-break.xml', error: /titanium-end-tag-line-break\.xml:22:145: mismatched end tag <\/addresses.\\u000a<part contentType="text\/plain" order="0" name="te\.\.\.>: <addresses> opened at 22:1 is still open$/ },
  // A damaged Takeout page: the call's time attribute ran across lines, quoted whole.
  { file: 'googlevoice-time-line-break.zip', error: /googlevoice-time-line-break\.zip!Takeout\/Voice\/Calls\/Ada Lovelace - Voicemail - 2024-07-05T15_00_00Z\.html:9:7: a call without a valid time \(.*\\u000aTranscript:\\u000a.*\); import with --salvage to skip it$/ },
];

describe('inputs the fuzzer broke the importer with', () => {
  for (const c of CASES) {
    it(`${c.file}${c.readIn === undefined ? '' : ` (read in a ${c.readIn})`}: a one-line error, the vault unchanged`, async () => {
      const vault = await vaults();
      await importFile(vault, fixture('exports', 'messages.xml'));
      const before = await dumpVault(vault);
      const started = Date.now();
      const err = await importFile(vault, fixture('fuzz', c.file), { readIn: c.readIn ?? 'thread' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(err).toBeInstanceOf(Error);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain(path.join('fuzz', c.file));
      expect(message).toMatch(c.error);
      expect(await dumpVault(vault)).toEqual(before);
      expect((await verifyVault(vault)).ok).toBe(true);
    });
  }

  it('an entry name with a line break, in the Google Voice reader\'s own label: one line', async () => {
    // The ZIP reader escaped entry names (container.ts); the Takeout reader named pages itself.
    const entries = await unzip(fs.readFileSync(fixture('fuzz', 'googlevoice-deep-page.zip')));
    const renamed = entries.map((e) => (e.name.endsWith('.html') && e.name.includes('Group') ? { ...e, name: e.name.replace('Group', 'Gro\nup') } : e));
    const file = path.join(tempDir(), 'takeout.zip');
    fs.writeFileSync(file, zipOf(renamed));
    const vault = await vaults();
    const err = await importFile(vault, file, { readIn: 'thread' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/takeout\.zip!Takeout\/Voice\/Calls\/Gro\\u000aup Conversation - [^:]+\.html:19:785: the page nests elements more than 256 deep$/);
  });
});
