import { sql, type Kysely } from 'kysely';

/**
 * Control database: before the security fix of issue 29, any web user could create an IMAP source
 * naming a file, environment variable or CA file of the server (`passwordFile`, `passwordEnv`,
 * `caFile`), which the server then read and sent to a host of the user's choice. Such a source
 * cannot be told apart from one the admin made with the command line, so every existing one is
 * held: it does not run until an admin on the server confirms it (`textvault source confirm
 * NAME`), or the password is typed in the web app instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE sources SET config_json = json_set(config_json, '$.unconfirmedServerRefs', json('true'))
    WHERE kind = 'imap' AND json_valid(config_json) AND (
      json_extract(config_json, '$.passwordFile') IS NOT NULL OR
      json_extract(config_json, '$.passwordEnv') IS NOT NULL OR
      json_extract(config_json, '$.caFile') IS NOT NULL)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE sources SET config_json = json_remove(config_json, '$.unconfirmedServerRefs') WHERE kind = 'imap' AND json_valid(config_json)`.execute(db);
}
