/**
 * Where an IMAP import of each folder stopped (table imap_sync_state, migration 0006): the
 * folder's UIDVALIDITY and the highest UID imported. Saved inside the import's transaction, so the
 * mark moves only when the mail it covers is in the vault.
 */
import type { Vault } from '../vault.js';

export interface SyncMark {
  uidValidity: string;
  lastUid: number;
}

export async function syncMark(vault: Vault, source: string, folder: string): Promise<SyncMark | undefined> {
  const row = await vault.db
    .selectFrom('imap_sync_state')
    .select(['uid_validity', 'last_uid'])
    .where('source', '=', source)
    .where('folder', '=', folder)
    .executeTakeFirst();
  return row === undefined ? undefined : { uidValidity: row.uid_validity, lastUid: row.last_uid };
}

export async function saveSyncMark(vault: Vault, source: string, folder: string, mark: SyncMark): Promise<void> {
  await vault.db
    .insertInto('imap_sync_state')
    .values({ source, folder, uid_validity: mark.uidValidity, last_uid: mark.lastUid, updated_at: Date.now() })
    .onConflict((oc) => oc.columns(['source', 'folder']).doUpdateSet({ uid_validity: mark.uidValidity, last_uid: mark.lastUid, updated_at: Date.now() }))
    .execute();
}
