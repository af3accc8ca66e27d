/**
 * `textvault import` is the import a person waits for: a large file alone with the vault goes
 * through the rollback journal (store/bulk-journal.ts), a small one through the WAL, and the
 * archive is in WAL mode afterwards either way. Watched from outside, on the files SQLite makes.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { BULK_JOURNAL_MIN_BYTES } from '../../src/vault/import/import-backup.js';
import { Vault } from '../../src/vault/vault.js';
import { cliAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** Runs `textvault import FILE` on a fresh vault; returns the names of the files SQLite made beside the archive meanwhile. */
async function importWatching(file: string): Promise<{ seen: Set<string>; vault: string }> {
  const vault = path.join(tempDir(), 'vault');
  await (await Vault.open(vault, { create: true })).close();
  const seen = new Set<string>();
  const watcher = fs.watch(vault, (_event, name) => {
    if (name !== null) seen.add(name);
  });
  try {
    const r = await cliAsync(['import', '--vault', vault, file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  } finally {
    watcher.close();
  }
  return { seen, vault };
}

function journalMode(vault: string): unknown {
  const db = new BetterSqlite3(path.join(vault, 'textvault.db'), { readonly: true });
  try {
    return db.pragma('journal_mode', { simple: true });
  } finally {
    db.close();
  }
}

describe('textvault import and the journal', () => {
  it('writes a large backup through the rollback journal and leaves the archive in WAL mode', async () => {
    const file = path.join(tempDir(), 'large.xml');
    await writeSmsBackup(file, { seed: 3, sms: 52_000, mms: 0 });
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(BULK_JOURNAL_MIN_BYTES);
    const { seen, vault } = await importWatching(file);
    expect(seen.has('textvault.db-journal')).toBe(true);
    expect(fs.existsSync(path.join(vault, 'textvault.db-journal'))).toBe(false);
    expect(journalMode(vault)).toBe('wal');
  });

  it('writes a small backup through the WAL', async () => {
    const file = path.join(tempDir(), 'small.xml');
    await writeSmsBackup(file, { seed: 3, sms: 500, mms: 0 });
    const { seen, vault } = await importWatching(file);
    expect(seen.has('textvault.db-wal')).toBe(true);
    expect(seen.has('textvault.db-journal')).toBe(false);
    expect(journalMode(vault)).toBe('wal');
  });
});
