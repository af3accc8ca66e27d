import { sql, type Kysely } from 'kysely';
import { SEARCH_HASH_BYTES, SEARCHABLE_TEXT_FUNCTION } from '../search-index.js';

/**
 * The search index again, without FTS5's per-row sizes (`columnsize=0`): nothing ranks results
 * (they are in id order), and keeping a `%_docsize` row for every message made indexing ~30%
 * slower (1,000,000 bodies: 2.8-4.2 s -> 1.9-2.4 s; the index 110 -> 98 MB). `columnsize=0`
 * rules out `contentless_delete=1`: a message's terms are removed with FTS5's 'delete' command
 * and the text `messages` has (SqliteSearchIndex.remove). Every message is indexed again, in id
 * order, with the text the import gives the index (the function store/database.ts registers).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await rebuild(db, sql`CREATE VIRTUAL TABLE message_fts USING fts5(text, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2')`);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rebuild(db, sql`CREATE VIRTUAL TABLE message_fts USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`);
}

async function rebuild(db: Kysely<unknown>, create: ReturnType<typeof sql>): Promise<void> {
  await sql`DROP TABLE message_fts`.execute(db);
  await create.execute(db);
  // As migration 0009 set it (the setting lives in the table dropped above).
  await sql`INSERT INTO message_fts(message_fts, rank) VALUES ('hashsize', ${sql.lit(SEARCH_HASH_BYTES)})`.execute(db);
  await sql`INSERT INTO message_fts(rowid, text) SELECT id, ${sql.raw(SEARCHABLE_TEXT_FUNCTION)}(body) FROM messages WHERE body <> '' ORDER BY id`.execute(db);
}
