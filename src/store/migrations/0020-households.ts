import { sql, type Kysely } from 'kysely';

/**
 * Control database: households (issue 23). Every account has an archive of its own; an archive
 * may be shared read-only with other accounts; the first account is an admin.
 *
 * An archive is a vault folder (docs/architecture.md, "Households"): the home archive is the
 * server's own folder (`.`), every other one `archives/<id>/` inside it. An existing
 * single-archive vault upgrades in place: its archive becomes the first account's, which becomes
 * an admin; every other existing account becomes a user with an empty archive of its own and the
 * old archive shared with it read-only (what they could see before, they still can; they can no
 * longer change it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('role', 'text', (c) => c.notNull().defaultTo('user')).execute();
  await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('email', 'text').execute();
  await db.schema
    .createTable('archives')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // Null only for the home archive before the first account exists (a vault made by `import`).
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('dir', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('archives_owner').on('archives').column('owner_id').unique().execute();
  await db.schema
    .createTable('shares')
    .addColumn('archive_id', 'integer', (c) => c.notNull().references('archives.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('shares_pk', ['archive_id', 'user_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('shares_user').on('shares').column('user_id').execute();
  // The archive a session is looking at (its own, or one shared with it); null: its own.
  await db.schema.alterTable('sessions').addColumn('archive_id', 'integer').execute();

  const now = Date.now();
  await sql`INSERT INTO archives (id, owner_id, dir, created_at) VALUES (1, (SELECT min(id) FROM users), '.', ${now})`.execute(db);
  await sql`UPDATE users SET role = 'admin' WHERE id = (SELECT min(id) FROM users)`.execute(db);
  await sql`INSERT INTO archives (owner_id, dir, created_at) SELECT id, 'pending-' || id, ${now} FROM users WHERE id <> (SELECT min(id) FROM users) ORDER BY id`.execute(db);
  await sql`UPDATE archives SET dir = 'archives/' || id WHERE dir LIKE 'pending-%'`.execute(db);
  await sql`INSERT INTO shares (archive_id, user_id, created_at) SELECT 1, id, ${now} FROM users WHERE id <> (SELECT min(id) FROM users)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('archive_id').execute();
  await db.schema.dropTable('shares').execute();
  await db.schema.dropTable('archives').execute();
  await db.schema.alterTable('users').dropColumn('email').execute();
  await db.schema.alterTable('users').dropColumn('disabled_at').execute();
  await db.schema.alterTable('users').dropColumn('role').execute();
}
