import { sql, type Kysely } from 'kysely';
import { SQLITE_FTS_DDL } from '../search-index.js';

/** The SQLite full-text index (FTS5); a PostgreSQL store brings its own search instead. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(SQLITE_FTS_DDL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE message_fts`.execute(db);
}
