import { sql, type Kysely } from 'kysely';

/**
 * Control database: single sign-on (OpenID Connect, docs/security.md "Single sign-on").
 * `oidc_identities` ties a provider's account (issuer, sub) to a Textvault user: the `sub` is the
 * one claim a provider promises never to reassign, so logins are matched by it, not by name or
 * e-mail. `oidc_logins` holds a login between the redirect to the provider and its return: a
 * row, not a cookie, so that taking it deletes it and a replayed callback finds nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_identities_pk', ['issuer', 'sub'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('oidc_identities_user').on('oidc_identities').column('user_id').execute();
  await db.schema
    .createTable('oidc_logins')
    // SHA-256 of the state: the state itself travels only in the browser's cookie and the URL.
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .modifyEnd(sql`without rowid`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_logins').execute();
  await db.schema.dropTable('oidc_identities').execute();
}
