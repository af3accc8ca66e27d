import type { Kysely } from 'kysely';

/**
 * Control database: a job can be asked to stop from another process (`textvault jobs cancel`
 * while the server runs it). The request is a row value the runner polls, not a signal: the
 * runner may be any process sharing the vault, and a request must survive until it is seen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('cancel_requested_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('cancel_requested_at').execute();
}
