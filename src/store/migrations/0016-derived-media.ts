import { sql, type Kysely } from 'kysely';

/**
 * Media made from the originals for the browser (issue 25): JPEG views of HEIC photos, MP4s of
 * 3GP videos, thumbnails. Derived data: rebuildable from the originals, so `verify` counts it
 * apart and a missing derived blob is no archive error; `textvault media prune` drops it all.
 * One row per (original, variant): `ok` names the derived blob, `original` says the browser shows
 * the original as it is (with this type), `failed` keeps why, so a file that cannot be converted
 * is not tried again on every view, `none` that this media has no such variant (audio, thumbnails).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // IF NOT EXISTS: the tests of older migrations take a vault back to their schema and run every
  // later migration again (test/helpers/migrations.ts); this table is untouched by them.
  await sql`
    CREATE TABLE IF NOT EXISTS derived_media (
      source_sha256 TEXT NOT NULL,
      variant TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('ok', 'original', 'failed', 'none')),
      sha256 TEXT,
      size INTEGER,
      content_type TEXT,
      error TEXT,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (source_sha256, variant)
    ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS derived_media_by_sha256 ON derived_media (sha256) WHERE sha256 IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE derived_media`.execute(db);
}
