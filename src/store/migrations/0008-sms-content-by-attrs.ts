import { sql, type Kysely } from 'kysely';

/**
 * An SMS is compared with its stored copy by its attributes (vault/import/archive-writer.ts), no
 * longer by a hash of their JSON, which cost the reader thread a fifth of its time. The
 * SMS keys' hashes go: an empty one is what the import writes for an SMS now.
 *
 * No down step: the old hashes cannot be remade in SQL, and a vault this version wrote has none
 * to restore.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE message_keys SET content_hash = x'' WHERE message_id IN (SELECT id FROM messages WHERE kind = 'sms')`.execute(db);
}
