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
      // Extended from the value read back (the marked one): only the new message was read.
      const extended = await archivePass(again);
      expect(extended.sms).toBe(1235);
      expect(extended.rowsRead).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('after an import that only adds, reads only the new messages, and gives what a full pass gives', async () => {
    const vault = await vaultFor();
    const day = 86_400_000;
    const batch = (from: number, n: number, read = 1): Parameters<typeof writeBackup>[0] =>
      Array.from({ length: n }, (_, i) => ({ address: `+1555000${1000 + ((from + i) % 5)}`, date: T0 + (from + i) * day, body: `m${from + i}`, type: 1 + ((from + i) % 2), read }));
    await importFile(vault, writeBackup(batch(0, 40, 0)));
    expect((await archivePass(vault)).rowsRead).toBe(40);
    await importFile(vault, writeBackup(batch(40, 15)));
    const extended = await archivePass(vault);
    expect(extended.rowsRead).toBe(15);
    expect(extended.sms).toBe(55);

    // The oracle: the same archive's pass computed from nothing in another process.
    const dir = vault.dir;
    await vault.db.deleteFrom('aggregate_cache').execute();
    const fresh = await Vault.open(dir);
    try {
      const full = await archivePass(fresh);
      expect(full.rowsRead).toBe(55);
      expect({ ...extended, rowsRead: 0 }).toEqual({ ...full, rowsRead: 0 });
    } finally {
      await fresh.close();
    }

    // An import that updates a message (here: marks received ones read) is not folded in: a full pass.
    await importFile(vault, writeBackup(batch(0, 40, 1)));
    const after = await archivePass(vault);
    expect(after.rowsRead).toBe(55);
    expect([...after.conversations.values()].reduce((n, c) => n + c.unread, 0)).toBe(0);
    expect([...extended.conversations.values()].reduce((n, c) => n + c.unread, 0)).toBeGreaterThan(0);
  });
});
