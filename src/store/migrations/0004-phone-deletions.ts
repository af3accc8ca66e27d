import type { Kysely } from 'kysely';

/**
 * "Deleted on phone" tracking in the archive: which source delivered each backup, and which
 * messages a later full backup from that source no longer had (see docs/sources.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backup_sources')
    .addColumn('backup_id', 'integer', (c) => c.primaryKey().references('backups.id'))
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_sources_source').on('backup_sources').columns(['source_key', 'backup_id']).execute();
  await db.schema
    .createTable('phone_deletions')
    .addColumn('message_id', 'integer', (c) => c.primaryKey().references('messages.id'))
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('since_ms', 'bigint', (c) => c.notNull())
    .addColumn('backup_id', 'integer', (c) => c.notNull().references('backups.id'))
    .execute();
  // No index on messages.last_backup_id: it would cost every duplicate of every import an index
  // update; one scan of messages per full backup from a source is cheaper.
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('phone_deletions').execute();
  await db.schema.dropTable('backup_sources').execute();
}
