/**
 * "Deleted on phone": when a full backup from a source no longer has messages that earlier
 * backups from the same source had, those messages stay in the vault and are marked as deleted
 * on the phone since that backup's date. The rule, and why it is safe, is in docs/sources.md.
 */
import { sql } from 'kysely';
import { attr, type Attr } from '../../formats/records.js';
import type { Vault } from '../vault.js';

export function sourceKey(sourceId: number): string {
  return `source:${sourceId}`;
}

export interface DeletionUpdate {
  /** Whether the backup counts as a full backup of the phone. */
  full: boolean;
  /** Messages newly marked as deleted on the phone. */
  marked: number;
  /** Messages that were marked but are back in this backup (restored on the phone). */
  unmarked: number;
}

/** A backup holds everything the phone had when it is a complete read of an SBR `type="full"` messages file. */
function isFull(row: { format: string; content: string; status: string; header_json: string }): boolean {
  if (row.status !== 'complete' || row.content !== 'messages' || row.format !== 'sbr') return false;
  const header = JSON.parse(row.header_json) as { rootAttrs?: Attr[] };
  return attr(header.rootAttrs ?? [], 'type') === 'full';
}

/**
 * Records that `backupId` came from the source and, if it is a full backup, marks and unmarks
 * deletions. Idempotent: running it again for the same backup changes nothing.
 */
export async function recordSourceBackup(vault: Vault, source: string, backupId: number): Promise<DeletionUpdate> {
  const db = vault.db;
  const backup = await db
    .selectFrom('backups')
    .select(['id', 'format', 'content', 'status', 'header_json', 'backup_date', 'started_at'])
    .where('id', '=', backupId)
    .executeTakeFirst();
  if (backup === undefined) return { full: false, marked: 0, unmarked: 0 };
  const full = isFull(backup);
  const asOf = backup.backup_date > 0 ? backup.backup_date : backup.started_at;
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('backup_sources')
      .values({ backup_id: backupId, source_key: source, full: full ? 1 : 0 })
      .onConflict((oc) => oc.column('backup_id').doNothing())
      .execute();
    if (!full) return { full, marked: 0, unmarked: 0 };

    // Earlier backups from the same source: imported before this one (so a message this backup
    // had can never still point to one of them) and dated no later than it (an older full backup
    // imported late must not mark what the phone only received afterwards).
    const earlier = tx
      .selectFrom('backup_sources')
      .innerJoin('backups', 'backups.id', 'backup_sources.backup_id')
      .select('backups.id')
      .where('backup_sources.source_key', '=', source)
      .where('backups.id', '<', backupId)
      .where(sql<number>`CASE WHEN backups.backup_date > 0 THEN backups.backup_date ELSE backups.started_at END`, '<=', asOf);

    // A message this backup had points to it (or to a backup imported later) as its last
    // backup; one still pointing to an earlier backup of this source was not in this one.
    const marked = await tx
      .insertInto('phone_deletions')
      .columns(['message_id', 'source_key', 'since_ms', 'backup_id'])
      .expression(
        tx
          .selectFrom('messages')
          .select(['messages.id', sql.lit(source).as('source_key'), sql.lit(asOf).as('since_ms'), sql.lit(backupId).as('backup_id')])
          .where('messages.last_backup_id', 'in', earlier)
          .where('messages.date_ms', '<=', asOf),
      )
      .onConflict((oc) => oc.column('message_id').doNothing())
      .executeTakeFirst();

    const unmarked = await tx
      .deleteFrom('phone_deletions')
      .where('source_key', '=', source)
      .where('message_id', 'in', (eb) =>
        eb.selectFrom('phone_deletions as d').innerJoin('messages', 'messages.id', 'd.message_id').select('d.message_id').where('messages.last_backup_id', '=', backupId),
      )
      .executeTakeFirst();
    return { full, marked: Number(marked.numInsertedOrUpdatedRows ?? 0), unmarked: Number(unmarked.numDeletedRows) };
  });
}

export interface PhoneDeletion {
  messageId: number;
  sourceKey: string;
  since: string;
}

/** How many archived messages were deleted on a phone ("132 messages you deleted are still here"). */
export async function countPhoneDeletions(vault: Vault): Promise<number> {
  const r = await vault.db.selectFrom('phone_deletions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return r.n;
}

/** The deletion marks of some messages (e.g. one page of a conversation), by message id. */
export async function phoneDeletionsOf(vault: Vault, messageIds: number[]): Promise<Map<number, PhoneDeletion>> {
  const out = new Map<number, PhoneDeletion>();
  if (messageIds.length === 0) return out;
  const rows = await vault.db.selectFrom('phone_deletions').selectAll().where('message_id', 'in', messageIds).execute();
  for (const r of rows) out.set(r.message_id, { messageId: r.message_id, sourceKey: r.source_key, since: new Date(r.since_ms).toISOString() });
  return out;
}
