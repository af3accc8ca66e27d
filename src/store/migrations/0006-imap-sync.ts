import { sql, type Kysely } from 'kysely';

/**
 * Where each IMAP mailbox import stopped: per source (user@host:port) and folder, the folder's
 * UIDVALIDITY and the highest UID imported, so a re-run fetches only newer mail. A changed
 * UIDVALIDITY means the UIDs were renumbered: the folder is read again (dedup keeps it harmless).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE imap_sync_state (
      source TEXT NOT NULL,
      folder TEXT NOT NULL,
      uid_validity TEXT NOT NULL,
      last_uid INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (source, folder)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE imap_sync_state`.execute(db);
}
