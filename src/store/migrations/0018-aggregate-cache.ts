import { sql, type Kysely } from 'kysely';

/**
 * Aggregates worth keeping across restarts (vault/queries/snapshot.ts): the one pass over every
 * message that the statistics and the conversation list come from takes seconds at ten million
 * messages, so a server that starts again reads it back instead. `stamp` is the archive's state
 * it was computed for; a row of another state is never used. Rebuildable: deleting rows is safe.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // IF NOT EXISTS: see 0016 (migration tests replay later migrations).
  await sql`CREATE TABLE IF NOT EXISTS aggregate_cache (key TEXT PRIMARY KEY, stamp TEXT NOT NULL, value TEXT NOT NULL) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE aggregate_cache`.execute(db);
}
