/**
 * The aggregate cache (vault/queries/snapshot.ts): one computation for concurrent callers, a new
 * one after an import, and the archive pass read back by the next process for the same archive.
 */
import { describe, expect, it } from 'vitest';
import { archivePass } from '../../../src/vault/queries/archive-pass.js';
import { cached } from '../../../src/vault/queries/snapshot.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { Vault } from '../../../src/vault/vault.js';
import { writeBackup } from '../../helpers/sbr-xml.js';
import { useVaults } from '../../helpers/vault.js';

const vaultFor = useVaults();
const T0 = Date.UTC(2024, 0, 1);

describe('the aggregate cache', () => {
  it('computes once for callers that ask at the same time, and again after an import', async () => {
    const vault = await vaultFor();
    let runs = 0;
    const compute = async (): Promise<number> => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return runs;
    };
    expect(await Promise.all([cached(vault, 'k', compute), cached(vault, 'k', compute), cached(vault, 'k', compute)])).toEqual([1, 1, 1]);
    expect(await cached(vault, 'k', compute)).toBe(1);
    await importFile(vault, writeBackup([{ address: '+15550001111', date: T0, body: 'hi' }]));
    expect(await cached(vault, 'k', compute)).toBe(2);
  });

  it('does not keep a failed computation', async () => {
    const vault = await vaultFor();
    await expect(cached(vault, 'f', () => Promise.reject(new Error('busy')))).rejects.toThrow('busy');
    expect(await cached(vault, 'f', () => Promise.resolve(7))).toBe(7);
  });

  it('reads the archive pass back in the next process for the same archive, never for another', async () => {
    const vault = await vaultFor();
    await importFile(vault, writeBackup([{ address: '+15550001111', date: T0, body: 'hi' }, { address: '+15550002222', date: T0 + 1000, body: 'yo', type: 2 }]));
    const first = await archivePass(vault);
    expect(first.sms).toBe(2);
    const row = await vault.db.selectFrom('aggregate_cache').selectAll().where('key', '=', 'archive-pass').executeTakeFirstOrThrow();
    // Marked, so that reading it back shows.
    const marked = JSON.stringify({ ...(JSON.parse(row.value) as object), sms: 1234 });
    await vault.db.updateTable('aggregate_cache').set({ value: marked }).where('key', '=', 'archive-pass').execute();
    const dir = vault.dir;
    await vault.close();

    const again = await Vault.open(dir);
    try {
      const back = await archivePass(again);
      expect(back.sms).toBe(1234);
      expect([...back.conversations.values()]).toEqual([...first.conversations.values()]);
      expect([...back.slots]).toEqual([...first.slots]);
      await importFile(again, writeBackup([{ address: '+15550003333', date: T0 + 2000, body: 'new' }]));
      expect((await archivePass(again)).sms).toBe(3);
    } finally {
      await again.close();
    }
  });
});
