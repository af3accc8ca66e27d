/**
 * The accounts that may open the web app. Each owns an archive of its own (household/archives.ts);
 * the first is an admin.
 */
import type { ControlStore } from '../../store/database.js';
import { addArchiveRow } from '../household/archives.js';
import { assertStrongPassword, hashPassword, verifyPassword } from './passwords.js';

export type Role = 'admin' | 'user';

export interface User {
  id: number;
  username: string;
  role: Role;
}

export class UserError extends Error {
  override readonly name = 'UserError';
}

const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

/** Stored for an account that signs in through single sign-on only: no password matches it. */
export const NO_PASSWORD = '!';

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) throw new UserError(`"${username}" is not a valid user name: use 1 to 64 letters, digits, ".", "_", "-" or "@"`);
}

export const roleOf = (value: string): Role => (value === 'admin' ? 'admin' : 'user');

export async function userCount(control: ControlStore): Promise<number> {
  return (await control.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
}

export interface NewAccount {
  username: string;
  /** Null: single sign-on only. */
  password: string | null;
  /** Default: admin for the first account, user after. */
  role?: Role;
  email?: string | null;
  /** Only while there is no account yet (the setup page): undefined when one exists. */
  onlyIfFirst?: boolean;
}

/**
 * Adds an account and its own archive (the home archive when no account owns it yet: a vault
 * made by `import` before its first account). One transaction: Kysely's SQLite driver holds its
 * one connection for it, so a check and the insert cannot interleave with another request's.
 */
export async function createAccount(control: ControlStore, input: NewAccount): Promise<User | undefined> {
  checkUsername(input.username);
  if (input.password !== null) await assertStrongPassword(input.password, [input.username]);
  const hash = input.password === null ? NO_PASSWORD : await hashPassword(input.password);
  const now = Date.now();
  return control.db.transaction().execute(async (tx) => {
    const any = await tx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (any !== undefined && input.onlyIfFirst === true) return undefined;
    const existing = await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (existing !== undefined) throw new UserError(`a user named "${input.username}" already exists; change its password with: textvault user passwd ${input.username}`);
    const role = input.role ?? (any === undefined ? 'admin' : 'user');
    const r = await tx
      .insertInto('users')
      .values({ username: input.username, password_hash: hash, created_at: now, updated_at: now, role, email: input.email ?? null, disabled_at: null })
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    await addArchiveRow(tx, id, now);
    return { id, username: input.username, role };
  });
}

export async function addUser(control: ControlStore, username: string, password: string, options: { role?: Role; email?: string | null } = {}): Promise<User> {
  const user = await createAccount(control, { username, password, ...options });
  if (user === undefined) throw new UserError(`could not add ${username}`);
  return user;
}

/** Creates the first account, an admin, only while there is none (the setup page). */
export async function addFirstUser(control: ControlStore, username: string, password: string): Promise<User | undefined> {
  return createAccount(control, { username, password, role: 'admin', onlyIfFirst: true });
}

async function userId(control: ControlStore, username: string): Promise<number> {
  const user = await control.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (user === undefined) throw new UserError(`there is no user named "${username}"; add one with: textvault user add ${username}`);
  return user.id;
}

/** Sets a new password and ends every session of that user. */
export async function setPassword(control: ControlStore, username: string, password: string): Promise<void> {
  await assertStrongPassword(password, [username]);
  const id = await userId(control, username);
  const hash = await hashPassword(password);
  await control.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: hash, updated_at: Date.now() }).where('id', '=', id).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
  });
}

/** The user when the password is right and the account enabled; undefined otherwise (same work either way). */
export async function checkCredentials(control: ControlStore, username: string, password: string): Promise<User | undefined> {
  const user = await control.db.selectFrom('users').select(['id', 'username', 'password_hash', 'role', 'disabled_at']).where('username', '=', username).executeTakeFirst();
  // Hash against a dummy when the user does not exist (or has no password), so timing does not reveal user names.
  const stored = user === undefined || user.password_hash === NO_PASSWORD ? DUMMY_HASH : user.password_hash;
  const ok = await verifyPassword(password, stored);
  return ok && user !== undefined && stored !== DUMMY_HASH && user.disabled_at === null ? { id: user.id, username: user.username, role: roleOf(user.role) } : undefined;
}

const DUMMY_HASH = 'scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export { userId as userIdOf };
