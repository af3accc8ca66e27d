/**
 * A backup read in the worker thread (read-in `worker`) must give exactly what reading it on the
 * import's own thread gives: the same archive, counts, warnings and errors; and a failure on
 * either side must leave the vault as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCallsBackup, writeSmsBackup } from '../../../bench/generator.js';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { runExport } from '../../../src/vault/export/run-export.js';
import type { ImportOptions, ImportResult } from '../../../src/vault/import/import-backup.js';
import { listBackups } from '../../../src/vault/backups.js';
import { search as searchArchive } from '../../../src/vault/queries/search.js';
import { verifyVault } from '../../../src/vault/verify.js';
import type { Vault } from '../../../src/vault/vault.js';
import { FIXTURES, fixture, tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';
import { writeZip } from '../../helpers/zip.js';
import { listBlobs } from '../../helpers/media.js';

const vault = useVaults();

/** What an import reports, without what differs between any two runs (ids, timings). */
function summary(results: ImportResult[]): unknown {
  return results.map(({ backupId: _id, seconds: _s, ...rest }) => rest);
}

async function both(files: string[], options: ImportOptions = {}): Promise<{ thread: Vault; worker: Vault }> {
  const thread = await vault();
  const worker = await vault();
  const a = await importAll(thread, files, { ...options, readIn: 'thread' });
  const b = await importAll(worker, files, { ...options, readIn: 'worker' });
  expect(summary(b)).toEqual(summary(a));
  expect(await dumpVault(worker)).toEqual(await dumpVault(thread));
  return { thread, worker };
}

function blobFiles(v: Vault): Promise<string[]> {
  return listBlobs(v.blobs);
}

describe('reading a backup in a worker thread', () => {
  const sbr = fs.readdirSync(fixture('sbr')).filter((n) => n !== 'google-messages-truncated.xml');
  it.each(sbr)('%s: the same archive as reading it on the import thread', async (name) => {
    await both([fixture('sbr', name)]);
  });

  it('every dedup case, imported one after another into one vault: the same archive', async () => {
    const dir = path.join(FIXTURES, 'dedup');
    await both(fs.readdirSync(dir).map((n) => path.join(dir, n)), { match: { ignoreWhitespace: true, crossProtocol: true, ignoreMilliseconds: true } });
  });

  it('a generated backup with group MMS, media, legacy emoji and calls, then a ZIP of both (second entry): the same archive, search and verify', async () => {
    const dir = tempDir();
    const messages = path.join(dir, 'sms.xml');
    const calls = path.join(dir, 'calls.xml');
    await writeSmsBackup(messages, { seed: 5, sms: 3_000, mms: 300, mediaBytes: 2_000 });
    await writeCallsBackup(calls, { seed: 6, calls: 500 });
    const zip = await writeZip(path.join(dir, 'both.zip'), { 'calls.xml': fs.readFileSync(calls), 'sms.xml': fs.readFileSync(messages) });
    const { thread, worker } = await both([messages, calls]);
    // Texts crossed from the worker as UTF-8 bytes; the archive holds them as text, not blobs.
    const notText = "SELECT count(*) FROM messages WHERE typeof(attrs) <> 'text' OR typeof(body) NOT IN ('text', 'null') OR typeof(address) NOT IN ('text', 'null')";
    expect(worker.store.sqlite.prepare(notText).pluck().get()).toBe(0);
    // The same bytes again, from a ZIP whose second entry is the messages file: all duplicates.
    const again = await importAll(worker, [zip], { readIn: 'worker', force: true });
    expect(again.map((r) => r.counts.new)).toEqual([0, 0]);
    expect(again[1]?.counts.duplicate).toBe(3_300);
    const search = async (v: Vault): Promise<number> => (await searchArchive(v, { q: 'the', limit: 500 })).items.length;
    expect(await search(worker)).toBe(await search(thread));
    expect(await search(worker)).toBeGreaterThan(0);
    const report = await verifyVault(worker);
    expect(report.problems).toEqual([]);
    expect((await blobFiles(worker)).sort()).toEqual((await blobFiles(thread)).sort());
    expect((await blobFiles(worker)).length).toBeGreaterThan(0);
  });

  it('other formats a worker reopens (Fossify JSON, SMS Import/Export ZIP, NDJSON): the same archive', async () => {
    const source = await vault();
    await importAll(source, [fixture('sbr', 'mms-media.xml'), fixture('sbr', 'sms-threads.xml')]);
    const kinds = new Set(['sms', 'mms', 'calls'] as const);
    for (const format of ['fossify', 'sms-ie', 'ndjson'] as const) {
      const out = tempDir();
      await runExport(source, { format, selection: { kinds }, outDir: out });
      const files = format === 'ndjson' ? [path.join(out, 'textvault.ndjson')] : fs.readdirSync(out).map((f) => path.join(out, f));
      await both(files);
    }
  });

  it('a truncated backup: the same error with line:column, nothing kept; --salvage keeps the same records', async () => {
    const file = fixture('sbr', 'google-messages-truncated.xml');
    const v = await vault();
    const err = await importAll(v, [file], { readIn: 'worker' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedBackupError);
    expect((err as Error).message).toMatch(/google-messages-truncated\.xml:102:5: .*truncated/);
    expect((await dumpVault(v)).messages).toEqual([]);
    expect(await listBackups(v)).toEqual([]);
    expect(await blobFiles(v)).toEqual([]);
    const { worker } = await both([file], { salvage: true });
    expect((await dumpVault(worker)).messages.length).toBe(16);
    expect((await verifyVault(worker)).problems).toEqual([]);
  });

  it('a failure on the import thread stops the worker and leaves the vault, blobs and temp files as they were', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mms.xml');
    await writeSmsBackup(file, { seed: 9, sms: 2_000, mms: 2_000, mediaBytes: 4_000 });
    const v = await vault();
    let calls = 0;
    const err = await importAll(v, [file], {
      readIn: 'worker',
      onProgress: () => {
        if (++calls === 3) throw new Error('stop here');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('stop here');
    expect((await dumpVault(v)).messages).toEqual([]);
    expect(await listBackups(v)).toEqual([]);
    expect(await blobFiles(v)).toEqual([]);
    expect(fs.readdirSync(path.join(v.dir, 'blobs', 'tmp'))).toEqual([]);
    // The packs the worker and the import thread appended to are gone too.
    expect(fs.readdirSync(path.join(v.dir, 'blobs', 'packs')).filter((n) => n.endsWith('.pack'))).toEqual([]);
    // The vault still imports the file afterwards, completely.
    const [r] = await importAll(v, [file], { readIn: 'worker' });
    expect(r?.counts.new).toBe(4_000);
    expect((await verifyVault(v)).problems).toEqual([]);
  });
});
