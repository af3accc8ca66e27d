/**
 * A large import that has the vault to itself writes through a rollback journal
 * (store/bulk-journal.ts); these check when it does, that it gives the WAL back, and that a
 * failed bulk import leaves the vault as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { BULK_JOURNAL_MIN_BYTES, importFile, type ImportOptions } from '../../../src/vault/import/import-backup.js';
import type { Vault } from '../../../src/vault/vault.js';
import { tempDir } from '../../helpers/temp.js';
import { counts, useVaults } from '../../helpers/vault.js';

const vault = useVaults();
const SMS = 52_000;

/** A backup just over the bulk journal's threshold, written for each test (temp folders are). */
async function largeBackup(): Promise<string> {
  const file = path.join(tempDir(), 'sms-large.xml');
  await writeSmsBackup(file, { seed: 3, sms: SMS, mms: 0 });
  expect(fs.statSync(file).size).toBeGreaterThanOrEqual(BULK_JOURNAL_MIN_BYTES);
  return file;
}

/** Import options that note the journal modes the archive is in while the import runs. */
function watchingModes(v: Vault, options: ImportOptions = { bulkJournal: true }): { modes: Set<unknown>; options: ImportOptions } {
  const modes = new Set<unknown>();
  return { modes, options: { ...options, readIn: 'thread', onProgress: () => modes.add(v.store.sqlite.pragma('journal_mode', { simple: true })) } };
}

/** Imports and returns the journal modes the archive was in while the import ran. */
async function modesDuring(v: Vault, file: string, options?: ImportOptions): Promise<Set<unknown>> {
  const watch = watchingModes(v, options);
  await importFile(v, file, watch.options);
  return watch.modes;
}

const dbFile = (v: Vault): string => path.join(v.dir, 'textvault.db');

describe('a large import', () => {
  it('alone with the vault, goes through a rollback journal and gives the WAL back', async () => {
    const v = await vault();
    expect(await modesDuring(v, await largeBackup())).toEqual(new Set(['delete']));
    expect(v.store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(v.store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(fs.existsSync(`${dbFile(v)}-journal`)).toBe(false);
    expect((await counts(v)).sms).toBe(SMS);
  });

  it('keeps the WAL while another process or connection has the vault open', async () => {
    const v = await vault();
    const reader = new BetterSqlite3(dbFile(v), { readonly: true });
    try {
      expect(reader.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(0);
      expect(await modesDuring(v, await largeBackup())).toEqual(new Set(['wal']));
      expect(reader.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(SMS);
    } finally {
      reader.close();
    }
  });

  it('that fails leaves the vault exactly as before, back in WAL mode', async () => {
    const v = await vault();
    const small = path.join(tempDir(), 'small.xml');
    await writeSmsBackup(small, { seed: 4, sms: 100, mms: 0 });
    await importFile(v, small);
    const before = await dumpVault(v);
    const truncated = path.join(tempDir(), 'sms-truncated.xml');
    const bytes = fs.readFileSync(await largeBackup());
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 5000));
    expect(fs.statSync(truncated).size).toBeGreaterThanOrEqual(BULK_JOURNAL_MIN_BYTES);
    const watch = watchingModes(v);
    await expect(importFile(v, truncated, watch.options)).rejects.toThrow(MalformedBackupError);
    expect(watch.modes).toEqual(new Set(['delete']));
    expect(v.store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(await dumpVault(v)).toEqual(before);
  });

  it('not asked for it (a background job, a source), keeps the WAL', async () => {
    const v = await vault();
    expect(await modesDuring(v, await largeBackup(), {})).toEqual(new Set(['wal']));
  });

  it('a small import keeps the WAL', async () => {
    const v = await vault();
    const small = path.join(tempDir(), 'small.xml');
    await writeSmsBackup(small, { seed: 5, sms: 100, mms: 0 });
    expect(await modesDuring(v, small)).toEqual(new Set(['wal']));
  });
});
