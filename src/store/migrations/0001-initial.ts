import { sql, type Kysely } from 'kysely';

/** The first schema: the archive's tables and the indexes its queries and dedup rely on. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backups')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('source_path', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('file_size', 'bigint', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('read_count', 'integer', (c) => c.notNull())
    .addColumn('new_count', 'integer', (c) => c.notNull())
    .addColumn('duplicate_count', 'integer', (c) => c.notNull())
    .addColumn('updated_count', 'integer', (c) => c.notNull())
    .addColumn('rejected_count', 'integer', (c) => c.notNull())
    .addColumn('warning_count', 'integer', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('header_json', 'text', (c) => c.notNull())
    .addColumn('backup_date', 'bigint', (c) => c.notNull())
    .addColumn('notes_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backups_sha256').on('backups').column('file_sha256').execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('participants_key', 'text', (c) => c.notNull().unique())
    .addColumn('is_group', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('conversation_members')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id'))
    .addColumn('address_norm', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'address_norm'])
    .execute();
  await db.schema.createIndex('conversation_members_address').on('conversation_members').column('address_norm').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id'))
    .addColumn('date_ms', 'bigint', (c) => c.notNull())
    .addColumn('date_sent_ms', 'bigint')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('box', 'integer')
    .addColumn('address', 'text')
    .addColumn('body', 'text')
    .addColumn('read', 'integer')
    .addColumn('attrs', 'text', (c) => c.notNull())
    .addColumn('has_addrs', 'integer', (c) => c.notNull())
    .addColumn('strict_key', 'blob', (c) => c.notNull())
    .addColumn('media_signature', 'text')
    .addColumn('first_backup_id', 'integer', (c) => c.notNull().references('backups.id'))
    .addColumn('last_backup_id', 'integer', (c) => c.notNull().references('backups.id'))
    .execute();

  // The identity index: everything a re-import needs to classify a record, in one b-tree
  // (WITHOUT ROWID), so a lookup never has to visit the wide messages row.
  await db.schema
    .createTable('message_keys')
    .addColumn('strict_key', 'blob', (c) => c.primaryKey())
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id'))
    .addColumn('content_hash', 'blob', (c) => c.notNull())
    .addColumn('state_date', 'bigint', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('messages_conversation_date').on('messages').columns(['conversation_id', 'date_ms']).execute();
  await db.schema.createIndex('messages_date').on('messages').column('date_ms').execute();

  await db.schema
    .createTable('mms_parts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('attrs', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text')
    .addColumn('blob_sha256', 'text')
    .addColumn('size', 'bigint')
    .addColumn('damage', 'text')
    .addColumn('raw_data', 'text')
    .execute();
  await db.schema.createIndex('mms_parts_message').on('mms_parts').columns(['message_id', 'position']).execute();
  await db.schema.createIndex('mms_parts_blob').on('mms_parts').column('blob_sha256').execute();

  await db.schema
    .createTable('mms_addrs')
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('attrs', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('address_norm', 'text')
    .addColumn('type', 'integer')
    .addPrimaryKeyConstraint('mms_addrs_pk', ['message_id', 'position'])
    .execute();

  await db.schema
    .createTable('calls')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('number', 'text')
    .addColumn('number_norm', 'text', (c) => c.notNull())
    .addColumn('date_ms', 'bigint', (c) => c.notNull())
    .addColumn('duration_s', 'integer')
    .addColumn('type', 'integer')
    .addColumn('attrs', 'text', (c) => c.notNull())
    .addColumn('strict_key', 'blob', (c) => c.notNull().unique())
    .addColumn('state_date', 'bigint', (c) => c.notNull())
    .addColumn('first_backup_id', 'integer', (c) => c.notNull().references('backups.id'))
    .addColumn('last_backup_id', 'integer', (c) => c.notNull().references('backups.id'))
    .execute();
  await db.schema.createIndex('calls_date').on('calls').column('date_ms').execute();
  await db.schema.createIndex('calls_number').on('calls').columns(['number_norm', 'date_ms']).execute();

  await db.schema
    .createTable('contacts')
    .addColumn('address_norm', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('named_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('config')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['config', 'blobs', 'contacts', 'calls', 'mms_addrs', 'mms_parts', 'message_keys', 'messages', 'conversation_members', 'conversations', 'backups']) {
    await db.schema.dropTable(t).execute();
  }
}
