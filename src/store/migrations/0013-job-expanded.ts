import type { Kysely } from 'kysely';

/**
 * Control database: an import job's progress also counts the bytes it decompressed, so a small
 * archive that inflates to gigabytes shows what it is doing while it runs (the limits stop it;
 * the figure tells the user why it is slow before they do).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('progress_expanded', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('progress_expanded').execute();
}
