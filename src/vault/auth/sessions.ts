/**
 * Login sessions, kept in the control database so they survive a restart and a password change
 * from the CLI ends them.
 * The cookie carries a random token; the database holds only its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ControlStore } from '../../store/database.js';
import { roleOf, type User } from './users.js';

export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface Session {
  token: string;
  csrfToken: string;
  user: User;
  expiresAt: number;
  /** The archive this session chose to look at (its own when null or no longer open to it). */
  archiveId: number | null;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function createSession(control: ControlStore, user: User, ttlMs = DEFAULT_SESSION_TTL_MS): Promise<Session> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + ttlMs;
  await control.db.insertInto('sessions').values({ token_hash: hashToken(token), user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: expiresAt, archive_id: null }).execute();
  return { token, csrfToken, user, expiresAt, archiveId: null };
}

/** The live session for a cookie token; extends it (sliding expiry) when it is past half its life. */
export async function findSession(control: ControlStore, token: string, ttlMs = DEFAULT_SESSION_TTL_MS): Promise<Session | undefined> {
  const now = Date.now();
  const row = await control.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.token_hash', 'sessions.csrf_token', 'sessions.expires_at', 'sessions.archive_id', 'users.id', 'users.username', 'users.role', 'users.disabled_at'])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (row === undefined) return undefined;
  // Disabling ends sessions; this also refuses one created in the same instant.
  if (row.disabled_at !== null) return undefined;
  if (row.expires_at <= now) {
    await control.db.deleteFrom('sessions').where('token_hash', '=', row.token_hash).execute();
    return undefined;
  }
  let expiresAt = row.expires_at;
  if (expiresAt - now < ttlMs / 2) {
    expiresAt = now + ttlMs;
    await control.db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', row.token_hash).execute();
  }
  return { token, csrfToken: row.csrf_token, user: { id: row.id, username: row.username, role: roleOf(row.role) }, expiresAt, archiveId: row.archive_id };
}

/** Which archive the session looks at from now on (the caller checked the account may open it). */
export async function chooseArchive(control: ControlStore, token: string, archiveId: number): Promise<void> {
  await control.db.updateTable('sessions').set({ archive_id: archiveId }).where('token_hash', '=', hashToken(token)).execute();
}

export async function endSession(control: ControlStore, token: string): Promise<void> {
  await control.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

export async function purgeExpiredSessions(control: ControlStore): Promise<void> {
  await control.db.deleteFrom('sessions').where('expires_at', '<=', Date.now()).execute();
}
