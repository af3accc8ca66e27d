import type { Kysely } from 'kysely';

/** A contact's photo (from a vCard or an sms-ie contacts file), as a blob in the media store. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('photo_sha256', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('photo_sha256').execute();
}
