/**
 * Google Voice (a Google Takeout) into a vault: the ZIP and its extracted folder give the same
 * archive; the same Takeout imported again adds nothing; damaged or hostile input gives one line
 * and imports nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpVault } from '../../../src/vault/dump.js';
import { runExport } from '../../../src/vault/export/run-export.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { GV_FIXTURE, takeoutZip } from '../../formats/googlevoice/read.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, expectAllDuplicates, importAll, useVaults } from '../../helpers/vault.js';
import { writeZip } from '../../helpers/zip.js';

const vault = useVaults();
const CALLS = 'Takeout/Voice/Calls';

async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  const message = (e as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  return message;
}

describe('importing Google Voice from a Takeout', () => {
  it('imports texts, MMS and calls; the ZIP, the folder and the worker thread give the same archive', async () => {
    const dir = tempDir();
    const zip = await takeoutZip(dir);
    const a = await vault();
    const [result] = await importFile(a, zip);
    expect(result).toMatchObject({ format: 'googlevoice', content: 'messages', status: 'complete', sms: 4, mms: 4, calls: 4, region: 'US' });
    expect(result?.counts).toMatchObject({ read: 12, new: 12, warnings: 0 });
    expect(await counts(a)).toEqual({ sms: 4, mms: 4, calls: 4 });

    const b = await vault();
    expect((await importFile(b, GV_FIXTURE)).map((r) => [r.format, r.counts.new])).toEqual([['googlevoice', 12]]);
    const c = await vault();
    await importFile(c, zip, { readIn: 'worker' });
    const dump = await dumpVault(a);
    expect(await dumpVault(b)).toEqual(dump);
    expect(await dumpVault(c)).toEqual(dump);

    // Threads: Ada 1:1 (2 SMS + MMS), the group of Ada and Bo, Cy; the voicemail keeps its transcript.
    const conversations = await a.db.selectFrom('messages').select('conversation_id').distinct().execute();
    expect(conversations).toHaveLength(3);
    const voicemail = dump.calls.find((x) => Object.fromEntries(x.attrs as [string, string][]).type === '4');
    expect(Object.fromEntries(voicemail?.attrs as [string, string][])).toMatchObject({ transcript: 'Call me back, 谢谢 😀', duration: '18' });
  });

  it('the same Takeout twice adds nothing: skipped as the same bytes, and read again all duplicates; the ZIP after its folder too', async () => {
    const dir = tempDir();
    const zip = await takeoutZip(dir);
    const v = await vault();
    await importFile(v, zip);
    const dump = await dumpVault(v);
    expect((await importFile(v, zip)).map((r) => r.status)).toEqual(['skipped']);
    expectAllDuplicates(await importFile(v, zip, { force: true }));
    // The folder is found the same backup by its files' digest; read anyway, it is the ZIP's records.
    expectAllDuplicates(await importFile(v, GV_FIXTURE));
    expect((await importFile(v, GV_FIXTURE)).map((r) => r.status)).toEqual(['skipped']);
    const after = await dumpVault(v);
    expect(after.messages).toEqual(dump.messages);
    expect(after.calls).toEqual(dump.calls);
    expect(await counts(v)).toEqual({ sms: 4, mms: 4, calls: 4 });
  });

  it('an SMS Backup & Restore export carries Voice to a phone: read back, it is the same messages and calls', async () => {
    const dir = tempDir();
    const v = await vault();
    await importFile(v, GV_FIXTURE);
    const out = path.join(dir, 'out');
    await runExport(v, { format: 'sbr', selection: { kinds: new Set(['sms', 'mms', 'calls'] as const) }, outDir: out });
    const again = await vault();
    const results = await importAll(again, fs.readdirSync(out).sort().map((n) => path.join(out, n)));
    expect(results.reduce((n, r) => n + r.counts.new, 0)).toBe(12);
    const strip = (d: Awaited<ReturnType<typeof dumpVault>>): unknown => ({
      messages: d.messages.map((m) => [m.kind, m.conversation, m.date_ms, m.attrs, m.parts?.map((p) => p.blob)]),
      calls: d.calls.map((c) => c.attrs),
    });
    expect(strip(await dumpVault(again))).toEqual(strip(await dumpVault(v)));
    // And the Takeout after its own export adds nothing.
    expectAllDuplicates(await importFile(again, GV_FIXTURE));
  });

  it('bad input: one line saying what is wrong, and nothing imported', async () => {
    const dir = tempDir();
    const v = await vault();
    const zip = await takeoutZip(dir);

    // Truncated: the download broke off.
    const bytes = fs.readFileSync(zip);
    const cut = path.join(dir, 'cut.zip');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(await failure(importFile(v, cut))).toMatch(/cut\.zip: /);

    // A Takeout of other products, without Voice.
    const other = await writeZip(path.join(dir, 'other.zip'), { 'Takeout/archive_browser.html': '<html><body>x</body></html>', 'Takeout/Keep/note.html': '<html><body>note</body></html>' });
    expect(await failure(importFile(v, other))).toMatch(/other\.zip: this is a Google Takeout without Google Voice, .*choose Voice at takeout\.google\.com\. .*docs\/formats\.md/);
    const otherFolder = path.join(dir, 'other');
    fs.mkdirSync(path.join(otherFolder, 'Takeout', 'Keep'), { recursive: true });
    expect(await failure(importFile(v, otherFolder))).toMatch(/is a folder, and not one Textvault imports as a whole .*Google Takeout folder with Voice/);

    // An entry climbing out of the archive's folder (yazl refuses to write one: patched, same length).
    const evil = await takeoutZip(dir, { [`${CALLS}/zz/zz/zz/evil.jpg`]: 'x' }, 'evil.zip');
    fs.writeFileSync(evil, Buffer.from(fs.readFileSync(evil).toString('latin1').replaceAll(`${CALLS}/zz/zz/zz/evil.jpg`, `${CALLS}/../../../evil.jpg`), 'latin1'));
    expect(await failure(importFile(v, evil))).toMatch(/evil\.zip: refusing the archive: an entry name points outside the archive \(at entry \d+ of its central directory: /);
    const absolute = await takeoutZip(dir, { [`${CALLS}/zz/evil.jpg`]: 'x' }, 'absolute.zip');
    fs.writeFileSync(absolute, Buffer.from(fs.readFileSync(absolute).toString('latin1').replaceAll(`${CALLS}/zz/evil.jpg`, `/${CALLS.slice(1)}/zz/evil.jpg`), 'latin1'));
    expect(await failure(importFile(v, absolute))).toMatch(/absolute\.zip: refusing the archive: an entry name points outside the archive \(at entry \d+ of its central directory: absolute path/);

    // A bomb: 64 MiB of zeros beside the pages compress to ~64 KiB.
    const bomb = await takeoutZip(dir, { [`${CALLS}/Ada Lovelace - Text - 2024-03-01T17_00_00Z-9-9.jpg`]: Buffer.alloc(64 * 1024 * 1024) }, 'bomb.zip');
    expect(fs.statSync(bomb).size).toBeLessThan(1024 * 1024);
    expect(await failure(importFile(v, bomb))).toMatch(/bomb\.zip: .*(zip bomb|import\.max-expansion-ratio)/);

    expect(await counts(v)).toEqual({ sms: 0, mms: 0, calls: 0 });
    expect(await v.db.selectFrom('backups').select('id').where('status', '=', 'complete').execute()).toEqual([]);
  });
});
