import { sql, type Kysely } from 'kysely';

/**
 * A message's identity moves from its own table (message_keys) into the messages row, under a
 * unique index on strict_key: a new message is then one insert instead of two (the key's and the
 * message's), which saved ~10% of the insert time of 1,000,000 SMS in a bare-SQLite harness, and
 * a duplicate SMS is compared with the attributes the same lookup returns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE messages ADD COLUMN content_hash blob NOT NULL DEFAULT x''`.execute(db);
  await sql`ALTER TABLE messages ADD COLUMN state_date bigint NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE messages ADD COLUMN rank integer NOT NULL DEFAULT 0`.execute(db);
  // Joined on the primary key of message_keys: one b-tree lookup per message.
  await sql`UPDATE messages SET content_hash = k.content_hash, state_date = k.state_date, rank = k.rank
    FROM message_keys AS k WHERE k.strict_key = messages.strict_key AND k.message_id = messages.id`.execute(db);
  await sql`CREATE UNIQUE INDEX messages_strict_key ON messages (strict_key)`.execute(db);
  await sql`DROP TABLE message_keys`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_keys')
    .addColumn('strict_key', 'blob', (c) => c.primaryKey())
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id'))
    .addColumn('content_hash', 'blob', (c) => c.notNull())
    .addColumn('state_date', 'bigint', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`INSERT INTO message_keys (strict_key, message_id, content_hash, state_date, rank)
    SELECT strict_key, id, content_hash, state_date, rank FROM messages`.execute(db);
  await sql`DROP INDEX messages_strict_key`.execute(db);
  await sql`ALTER TABLE messages DROP COLUMN rank`.execute(db);
  await sql`ALTER TABLE messages DROP COLUMN state_date`.execute(db);
  await sql`ALTER TABLE messages DROP COLUMN content_hash`.execute(db);
}
