import { sql, type Kysely } from 'kysely';

/**
 * Control database: the passphrase of an encrypted backup, given for one import job (the web
 * app's upload or its "enter the password" retry), waits here sealed (vault/secrets.ts) until the
 * job ends, in a table of its own so that no query of the jobs table can carry it anywhere.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_secrets')
    .addColumn('job_id', 'integer', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
    .addColumn('sealed_passphrase', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_secrets').execute();
}
