/**
 * Migration 0016: a vault of the version before gets the derived_media table (and its down step
 * removes it again), and the media it already had are converted on view like a new vault's.
 */
import { describe, expect, it } from 'vitest';
import * as m0016 from '../../../src/store/migrations/0016-derived-media.js';
import { migrateBack } from '../../helpers/migrations.js';
import { freshVault } from '../../helpers/vault.js';
import { Vault } from '../../../src/vault/vault.js';

describe('migration 0016: derived media', () => {
  it('adds the table to a vault without it', async () => {
    const vault = await freshVault();
    const dir = vault.dir;
    await vault.close();
    await migrateBack(dir, '0016-derived-media', [m0016]);
    const reopened = await Vault.open(dir);
    try {
      const table = reopened.store.sqlite.prepare("SELECT sql FROM sqlite_schema WHERE name = 'derived_media'").get() as { sql: string } | undefined;
      expect(table?.sql).toContain("status IN ('ok', 'original', 'failed', 'none')");
      expect(await reopened.db.selectFrom('derived_media').selectAll().execute()).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
