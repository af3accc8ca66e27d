/**
 * The accounts that may open the web app.
 */
import type { ControlStore } from '../../store/database.js';
import { assertStrongPassword, hashPassword, verifyPassword } from './passwords.js';

export interface User {
  id: number;
  username: string;
}

export class UserError extends Error {
  override readonly name = 'UserError';
}

const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

function checkUsername(username: string): void {
  if (!USERNAME.test(username)) throw new UserError(`"${username}" is not a valid user name: use 1 to 64 letters, digits, ".", "_", "-" or "@"`);
}

export async function userCount(control: ControlStore): Promise<number> {
  return (await control.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
}

export async function addUser(control: ControlStore, username: string, password: string): Promise<User> {
  checkUsername(username);
  await assertStrongPassword(password, [username]);
  const existing = await control.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (existing !== undefined) throw new UserError(`a user named "${username}" already exists; change its password with: textvault user passwd ${username}`);
  const now = Date.now();
  const hash = await hashPassword(password);
  const r = await control.db.insertInto('users').values({ username, password_hash: hash, created_at: now, updated_at: now }).executeTakeFirstOrThrow();
  return { id: Number(r.insertId), username };
}

/** Creates the first account, only while there is none (the setup page). */
export async function addFirstUser(control: ControlStore, username: string, password: string): Promise<User | undefined> {
  checkUsername(username);
  await assertStrongPassword(password, [username]);
  const hash = await hashPassword(password);
  const now = Date.now();
  // Kysely's SQLite driver holds its one connection for the whole transaction, so the check and
  // the insert cannot interleave with a second setup request.
  return control.db.transaction().execute(async (tx) => {
    const any = await tx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (any !== undefined) return undefined;
    const r = await tx.insertInto('users').values({ username, password_hash: hash, created_at: now, updated_at: now }).executeTakeFirstOrThrow();
    return { id: Number(r.insertId), username };
  });
}

/** Sets a new password and ends every session of that user. */
export async function setPassword(control: ControlStore, username: string, password: string): Promise<void> {
  await assertStrongPassword(password, [username]);
  const user = await control.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (user === undefined) throw new UserError(`there is no user named "${username}"; add one with: textvault user add ${username}`);
  const hash = await hashPassword(password);
  await control.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: hash, updated_at: Date.now() }).where('id', '=', user.id).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  });
}

/** The user when the password is right; undefined otherwise (same work either way). */
export async function checkCredentials(control: ControlStore, username: string, password: string): Promise<User | undefined> {
  const user = await control.db.selectFrom('users').select(['id', 'username', 'password_hash']).where('username', '=', username).executeTakeFirst();
  // Hash against a dummy when the user does not exist, so timing does not reveal user names.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  return ok && user !== undefined ? { id: user.id, username: user.username } : undefined;
}

const DUMMY_HASH = 'scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
