import type { Kysely } from 'kysely';

/** The control database (control.db): jobs, sources, device tokens, alerts (see control-schema.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('progress_done', 'bigint', (c) => c.notNull())
    .addColumn('progress_total', 'bigint')
    .addColumn('progress_unit', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('runner_pid', 'integer')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'id']).execute();

  await db.schema
    .createTable('sources')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('expected_interval_ms', 'bigint', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_run_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('newest_message_ms', 'bigint')
    .addColumn('last_delivery_at', 'bigint')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('cleared_at', 'bigint')
    .addColumn('notified_at', 'bigint')
    .execute();
  await db.schema.createIndex('alerts_open').on('alerts').columns(['source_id', 'cleared_at']).execute();

  await db.schema
    .createTable('rejected_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rejected_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('folder_files')
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mtime_ms', 'bigint', (c) => c.notNull())
    .addColumn('job_id', 'integer')
    .addColumn('handled_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('folder_files_pk', ['source_id', 'path'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['folder_files', 'rejected_files', 'alerts', 'api_tokens', 'sources', 'jobs']) await db.schema.dropTable(t).execute();
}
