import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { importFile, type ImportOptions, type ImportResult } from '../../src/vault/import/import-backup.js';
import { Vault } from '../../src/vault/vault.js';
import { tempDir } from './temp.js';

export async function freshVault(settings: Record<string, string> = {}): Promise<Vault> {
  const vault = await Vault.open(path.join(tempDir(), 'vault'), { create: true });
  for (const [k, v] of Object.entries(settings)) await vault.config.set(k, v);
  return vault;
}

export async function importAll(vault: Vault, files: string[], options: ImportOptions = {}): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const f of files) results.push(...(await importFile(vault, f, options)));
  return results;
}

export async function counts(vault: Vault): Promise<{ sms: number; mms: number; calls: number }> {
  const rows = await vault.db.selectFrom('messages').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').execute();
  const calls = await vault.db.selectFrom('calls').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const n = (k: string): number => rows.find((r) => r.kind === k)?.n ?? 0;
  return { sms: n('sms'), mms: n('mms'), calls: calls.n };
}

/** A vault factory for a test file: every vault it makes is closed after each test. */
export function useVaults(): (settings?: Record<string, string>) => Promise<Vault> {
  const open: Vault[] = [];
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
  });
  return async (settings = {}) => {
    const v = await freshVault(settings);
    open.push(v);
    return v;
  };
}

/** A forced re-import of what the vault holds: every record read is a duplicate, none new or updated. */
export function expectAllDuplicates(results: ImportResult[]): void {
  for (const r of results) {
    expect(r.counts.read).toBeGreaterThan(0);
    expect(r.counts.new).toBe(0);
    expect(r.counts.updated).toBe(0);
    expect(r.counts.duplicate).toBe(r.counts.read - r.counts.rejected);
  }
}
