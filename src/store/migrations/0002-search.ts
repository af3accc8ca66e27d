import { sql, type Kysely } from 'kysely';

/**
 * The SQLite full-text index (FTS5); a PostgreSQL store brings its own search instead. As it was
 * then (a migration is a snapshot): 0011 rebuilds it without per-row sizes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE message_fts USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE message_fts`.execute(db);
}
