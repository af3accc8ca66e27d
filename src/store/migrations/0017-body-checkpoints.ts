import { sql, type Kysely } from 'kysely';

/**
 * Points between records of an imported SMS Backup & Restore file, with the SHA-256 of the
 * records' bytes before each (formats/sbr/prefix-read.ts): the next import of the same growing
 * file reads only what follows the last point that still matches. The counts are how many
 * records of each kind the import had read at that point, so a skipped part still counts.
 * `settings` are the identity settings of that import (region, match options): records read with
 * other settings could have matched other messages, so such points are never used.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // IF NOT EXISTS: see 0016 (migration tests replay later migrations).
  await sql`
    CREATE TABLE IF NOT EXISTS body_checkpoints (
      backup_id INTEGER NOT NULL REFERENCES backups(id),
      offset INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      lines INTEGER NOT NULL,
      column_no INTEGER NOT NULL,
      settings TEXT NOT NULL,
      read INTEGER NOT NULL,
      rejected INTEGER NOT NULL,
      sms INTEGER NOT NULL,
      mms INTEGER NOT NULL,
      calls INTEGER NOT NULL,
      PRIMARY KEY (backup_id, offset)
    ) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE body_checkpoints`.execute(db);
}
