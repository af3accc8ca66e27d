import { sql, type Kysely } from 'kysely';

/**
 * Identity keys start with the record's date (see datedKey in vault/identity.ts) so that an
 * import's inserts into the key indexes are local. Existing keys get the same 8-byte prefix:
 * `printf('%016x')` writes a 64-bit integer as its two's complement, as the import does; the
 * keys are joined as hex because `||` would turn blobs into text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE message_keys SET strict_key = unhex(printf('%016x', (SELECT date_ms FROM messages WHERE messages.id = message_keys.message_id)) || hex(strict_key))`.execute(db);
  await sql`UPDATE messages SET strict_key = unhex(printf('%016x', date_ms) || hex(strict_key))`.execute(db);
  await sql`UPDATE calls SET strict_key = unhex(printf('%016x', date_ms) || hex(strict_key))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE message_keys SET strict_key = substr(strict_key, 9)`.execute(db);
  await sql`UPDATE messages SET strict_key = substr(strict_key, 9)`.execute(db);
  await sql`UPDATE calls SET strict_key = substr(strict_key, 9)`.execute(db);
}
