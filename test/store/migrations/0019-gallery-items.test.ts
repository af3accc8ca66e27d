/**
 * Migration 0019: a vault of the version before (media imported, no gallery_items) gets the table
 * filled with exactly the rows the triggers keep for a new import; its down step removes it again.
 */
import { describe, expect, it } from 'vitest';
import * as m0019 from '../../../src/store/migrations/0019-gallery-items.js';
import { Vault } from '../../../src/vault/vault.js';
import { migrateBack } from '../../helpers/migrations.js';
import { writeBackup } from '../../helpers/sbr-xml.js';
import { freshVault, importAll } from '../../helpers/vault.js';

const T0 = Date.UTC(2024, 0, 1);

describe('migration 0019: gallery items', () => {
  it('fills the gallery index of a vault imported before it, as the import would have', async () => {
    const vault = await freshVault();
    const dir = vault.dir;
    await importAll(vault, [
      writeBackup(
        Array.from({ length: 6 }, (_, i) => ({
          addresses: [`+1555000000${i % 2}`],
          date: T0 + i * 60_000,
          parts: [
            { ct: 'application/smil', text: '<smil/>' },
            { ct: i % 2 === 0 ? 'image/jpeg' : 'text/x-vcard', name: `f${i}`, data: Buffer.from(`data ${i}`) },
            { ct: 'text/plain', text: `hi ${i}` },
          ],
        })),
      ),
    ]);
    const rows = async (v: Vault): Promise<unknown[]> => v.db.selectFrom('gallery_items').selectAll().orderBy('part_id').execute();
    const kept = await rows(vault);
    expect(kept).toHaveLength(6);
    await vault.close();

    await migrateBack(dir, '0019-gallery-items', [m0019]);
    const reopened = await Vault.open(dir);
    try {
      expect(await rows(reopened)).toEqual(kept);
      const triggers = reopened.store.sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'gallery_%' ORDER BY name").pluck().all();
      expect(triggers).toEqual(['gallery_message_delete', 'gallery_message_update', 'gallery_part_delete', 'gallery_part_insert', 'gallery_part_update']);
    } finally {
      await reopened.close();
    }
  });
});
