/**
 * Which Textvault account a provider's user signs in as (docs/security.md "Single sign-on"):
 * first the account linked to the provider's (issuer, sub); else, only when the admin allows it
 * and the provider says the address is verified, the account with the same e-mail (an unverified
 * address is whatever the user typed at the provider, and would hand over someone else's
 * archive); else a new account when auto-provisioning is on; else none.
 */
import type { ControlStore } from '../../store/database.js';
import { createAccount, roleOf, UserError, type User } from '../auth/users.js';
import type { OidcSettings } from './settings.js';

/** What the provider vouched for, from the verified ID token and its userinfo. */
export interface ProviderUser {
  issuer: string;
  sub: string;
  /** Lower case. */
  email: string | undefined;
  emailVerified: boolean;
  groups: string[];
  preferredUsername: string | undefined;
}

/** Why a login is refused; each is a `/login?error=` code the login page explains. */
export type SignInRefusal = 'sso_not_allowed' | 'sso_unknown_user' | 'sso_disabled';

/**
 * The allow-lists, checked at every login (a user removed from the group at the provider loses
 * access at the next login). With both set, either one admits.
 */
export function admitted(settings: Pick<OidcSettings, 'allowedGroups' | 'allowedEmails'>, who: ProviderUser): boolean {
  const { allowedGroups, allowedEmails } = settings;
  if (allowedGroups.length === 0 && allowedEmails.length === 0) return true;
  if (who.groups.some((g) => allowedGroups.includes(g))) return true;
  return who.emailVerified && who.email !== undefined && allowedEmails.includes(who.email);
}

export async function accountFor(control: ControlStore, settings: OidcSettings, who: ProviderUser): Promise<User | SignInRefusal> {
  if (!admitted(settings, who)) return 'sso_not_allowed';
  const userId = (await linkedUser(control, who)) ?? (await userByVerifiedEmail(control, settings, who)) ?? (await provision(control, settings, who));
  if (userId === undefined) return 'sso_unknown_user';
  const user = await control.db.selectFrom('users').select(['id', 'username', 'role', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  if (user === undefined || user.disabled_at !== null) return 'sso_disabled';
  return { id: user.id, username: user.username, role: roleOf(user.role) };
}

async function linkedUser(control: ControlStore, who: ProviderUser): Promise<number | undefined> {
  const row = await control.db.selectFrom('oidc_identities').select('user_id').where('issuer', '=', who.issuer).where('sub', '=', who.sub).executeTakeFirst();
  return row?.user_id;
}

async function link(control: ControlStore, who: ProviderUser, userId: number): Promise<void> {
  await control.db
    .insertInto('oidc_identities')
    .values({ issuer: who.issuer, sub: who.sub, user_id: userId, created_at: Date.now() })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function userByVerifiedEmail(control: ControlStore, settings: OidcSettings, who: ProviderUser): Promise<number | undefined> {
  if (!settings.linkByEmail || !who.emailVerified || who.email === undefined) return undefined;
  const email = who.email;
  const matches = await control.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .limit(2)
    .execute();
  // Two accounts with one address: the admin must link by hand, not a guess.
  const only = matches.length === 1 ? matches[0] : undefined;
  if (only === undefined) return undefined;
  await link(control, who, only.id);
  return only.id;
}

async function provision(control: ControlStore, settings: OidcSettings, who: ProviderUser): Promise<number | undefined> {
  if (!settings.autoProvision) return undefined;
  const username = await freeUsername(control, who);
  // Always a user, never the default admin of a server without accounts: an admin is made by setup or the CLI.
  const account = await createAccount(control, { username, password: null, role: 'user', email: who.emailVerified ? (who.email ?? null) : null });
  if (account === undefined) throw new UserError(`could not add ${username}`);
  await link(control, who, account.id);
  return account.id;
}

/** A user name from what the provider calls the user, made valid and unique (alice, alice-2, ...). */
async function freeUsername(control: ControlStore, who: ProviderUser): Promise<string> {
  const wanted = who.preferredUsername ?? who.email?.split('@')[0] ?? 'user';
  const base = wanted.replace(/[^\p{L}\p{N}._@-]/gu, '').slice(0, 56) || 'user';
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const taken = await control.db.selectFrom('users').select('id').where('username', '=', candidate).executeTakeFirst();
    if (taken === undefined) return candidate;
  }
}
