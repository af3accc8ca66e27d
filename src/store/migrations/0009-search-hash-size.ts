import { sql, type Kysely } from 'kysely';
import { SEARCH_HASH_BYTES } from '../search-index.js';

/**
 * FTS5 keeps the terms of new rows in memory until they reach `hashsize`, then writes them as a
 * segment that later merges rewrite. The default (1 MB) made an import of 1,000,000 SMS write
 * some fifty segments and merge them; 16 MB leaves a few (bare inserts of those bodies: 2.1 s ->
 * 1.5-1.6 s). The setting lives in the index's own config table, so it holds for every writer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`INSERT INTO message_fts(message_fts, rank) VALUES ('hashsize', ${sql.lit(SEARCH_HASH_BYTES)})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM message_fts_config WHERE k = 'hashsize'`.execute(db);
}
