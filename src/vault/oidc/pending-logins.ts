/**
 * A single sign-on login between the redirect to the provider and its callback.
 *
 * Kept as a row of the control database rather than in a sealed cookie: taking it deletes it in
 * the same statement, so a replayed callback (the same state twice) finds nothing, which a cookie
 * alone cannot promise. The state is stored as its SHA-256 only; the browser holds the state in
 * an httpOnly cookie too, so a callback URL made for one browser does not work in another (login CSRF).
 */
import { createHash } from 'node:crypto';
import type { ControlStore } from '../../store/database.js';

/** Time a user has at the provider's login page. */
export const PENDING_LOGIN_TTL_MS = 10 * 60_000;

export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

const hashState = (state: string): string => createHash('sha256').update(state).digest('hex');

export async function savePendingLogin(control: ControlStore, login: PendingLogin, now = Date.now()): Promise<void> {
  // Abandoned logins go when new ones start: no sweeper needed.
  await control.db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
  await control.db
    .insertInto('oidc_logins')
    .values({ state_hash: hashState(login.state), nonce: login.nonce, code_verifier: login.codeVerifier, redirect_uri: login.redirectUri, created_at: now, expires_at: now + PENDING_LOGIN_TTL_MS })
    .execute();
}

/** The pending login of this state, removed as it is read; undefined when unknown, used or expired. */
export async function takePendingLogin(control: ControlStore, state: string, now = Date.now()): Promise<PendingLogin | undefined> {
  const row = await control.db.deleteFrom('oidc_logins').where('state_hash', '=', hashState(state)).returning(['nonce', 'code_verifier', 'redirect_uri', 'expires_at']).executeTakeFirst();
  if (row === undefined || row.expires_at <= now) return undefined;
  return { state, nonce: row.nonce, codeVerifier: row.code_verifier, redirectUri: row.redirect_uri };
}
