import { sql, type Kysely } from 'kysely';

/**
 * The gallery's index (issue 25): one row per MMS part that the gallery lists (stored, undamaged
 * data that is not text or SMIL), with its message's date and conversation and the part's kind.
 *
 * Why a table: a part has no date of its own, and media are a few percent of an archive's
 * messages, so walking messages_date (or a conversation's messages) for the next 100 media visits
 * thousands of SMS, and a rare kind (contact cards) every MMS. Here a page is one seek on an index
 * of the gallery's own rows, whichever filter: (date), (kind, date), (conversation, date),
 * (conversation, kind, date); the part id (rowid) ends every index, so (date, part) is the order.
 *
 * Kept by triggers on mms_parts and messages, so every writer (the import, repair, a migration)
 * keeps it right without knowing it. SMS never touch it: the import inserts SMS without a trigger
 * firing, and the update trigger on messages is limited to an MMS whose date or conversation changed.
 *
 * `kind` is vault/queries/message-view.ts `partKind` in SQL (test/vault/queries/gallery.test.ts
 * holds the two to the same answers).
 */
const kindOf = (ct: string): string => `CASE
    WHEN ${ct} IS NULL THEN 'other'
    WHEN lower(${ct}) = 'image/svg+xml' THEN 'other'
    WHEN substr(lower(${ct}), 1, 6) = 'image/' THEN 'image'
    WHEN substr(lower(${ct}), 1, 6) = 'video/' THEN 'video'
    WHEN substr(lower(${ct}), 1, 6) = 'audio/' THEN 'audio'
    WHEN lower(${ct}) IN ('text/x-vcard', 'text/vcard', 'text/directory') THEN 'vcard'
    WHEN lower(${ct}) = 'text/plain' THEN 'text'
    WHEN lower(${ct}) = 'application/smil' THEN 'smil'
    ELSE 'other' END`;

/** The gallery_items rows of parts `p` (NEW in a trigger, or mms_parts with `from` joining it), those listed only. */
const rowsOf = (p: string, from = 'messages m'): string => `
  SELECT ${p}.id, ${p}.message_id, m.conversation_id, m.date_ms, ${kindOf(`${p}.content_type`)}
  FROM ${from}
  WHERE m.id = ${p}.message_id AND ${p}.blob_sha256 IS NOT NULL AND ${p}.damage IS NULL AND (${kindOf(`${p}.content_type`)}) NOT IN ('text', 'smil')`;

const TRIGGERS = ['gallery_part_insert', 'gallery_part_delete', 'gallery_part_update', 'gallery_message_update', 'gallery_message_delete'];

export async function up(db: Kysely<unknown>): Promise<void> {
  // IF NOT EXISTS, and the rows rebuilt: the tests of older migrations run every later one again.
  await sql`
    CREATE TABLE IF NOT EXISTS gallery_items (
      part_id INTEGER PRIMARY KEY,
      message_id INTEGER NOT NULL,
      conversation_id INTEGER NOT NULL,
      date_ms INTEGER NOT NULL,
      kind TEXT NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS gallery_items_date ON gallery_items (date_ms)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS gallery_items_kind_date ON gallery_items (kind, date_ms)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS gallery_items_conversation_date ON gallery_items (conversation_id, date_ms)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS gallery_items_conversation_kind_date ON gallery_items (conversation_id, kind, date_ms)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS gallery_items_message ON gallery_items (message_id)`.execute(db);
  for (const t of TRIGGERS) await sql.raw(`DROP TRIGGER IF EXISTS ${t}`).execute(db);
  await sql.raw(`CREATE TRIGGER gallery_part_insert AFTER INSERT ON mms_parts BEGIN INSERT OR REPLACE INTO gallery_items ${rowsOf('NEW')}; END`).execute(db);
  await sql.raw(`CREATE TRIGGER gallery_part_delete AFTER DELETE ON mms_parts BEGIN DELETE FROM gallery_items WHERE part_id = OLD.id; END`).execute(db);
  await sql
    .raw(
      `CREATE TRIGGER gallery_part_update AFTER UPDATE OF message_id, content_type, blob_sha256, damage ON mms_parts BEGIN
        DELETE FROM gallery_items WHERE part_id = OLD.id;
        INSERT OR REPLACE INTO gallery_items ${rowsOf('NEW')};
      END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER gallery_message_update AFTER UPDATE OF date_ms, conversation_id ON messages
        WHEN NEW.kind = 'mms' AND (NEW.date_ms IS NOT OLD.date_ms OR NEW.conversation_id IS NOT OLD.conversation_id) BEGIN
        UPDATE gallery_items SET date_ms = NEW.date_ms, conversation_id = NEW.conversation_id WHERE message_id = NEW.id;
      END`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER gallery_message_delete AFTER DELETE ON messages WHEN OLD.kind = 'mms' BEGIN DELETE FROM gallery_items WHERE message_id = OLD.id; END`).execute(db);
  await sql`DELETE FROM gallery_items`.execute(db);
  await sql.raw(`INSERT INTO gallery_items ${rowsOf('mms_parts', 'mms_parts JOIN messages m')}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TRIGGERS) await sql.raw(`DROP TRIGGER IF EXISTS ${t}`).execute(db);
  await sql`DROP TABLE IF EXISTS gallery_items`.execute(db);
}
