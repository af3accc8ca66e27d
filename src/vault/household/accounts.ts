/**
 * What an admin does with accounts: list them (with their archive, never its messages), disable,
 * enable, make admin, remove. Removing deletes the account's own archive folder: the caller
 * closes the archive first (the server's ArchiveHost does) and says what goes.
 */
import fs from 'node:fs';
import type { ControlStore } from '../../store/database.js';
import { roleOf, UserError, userIdOf, type Role } from '../auth/users.js';
import { archiveFolder, HOME_ARCHIVE_ID } from './archives.js';

export interface Account {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  email: string | null;
  createdAt: number;
  /** The account's own archive (absent only in a control database edited by hand). */
  archive: { id: number; dir: string } | null;
  /** Accounts this one's archive is shared with. */
  sharedWith: string[];
}

export async function listAccounts(control: ControlStore, home: string): Promise<Account[]> {
  const users = await control.db
    .selectFrom('users')
    .leftJoin('archives', 'archives.owner_id', 'users.id')
    .select(['users.id', 'users.username', 'users.role', 'users.disabled_at', 'users.email', 'users.created_at', 'archives.id as archive_id', 'archives.dir'])
    .orderBy('users.username')
    .execute();
  const shares = await control.db
    .selectFrom('shares')
    .innerJoin('users', 'users.id', 'shares.user_id')
    .select(['shares.archive_id', 'users.username'])
    .orderBy('users.username')
    .execute();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    role: roleOf(u.role),
    disabled: u.disabled_at !== null,
    email: u.email,
    createdAt: u.created_at,
    archive: u.archive_id === null || u.dir === null ? null : { id: u.archive_id, dir: archiveFolder(home, u.dir) },
    sharedWith: shares.filter((s) => s.archive_id === u.archive_id).map((s) => s.username),
  }));
}

export async function findAccount(control: ControlStore, home: string, username: string): Promise<Account> {
  const account = (await listAccounts(control, home)).find((a) => a.username === username);
  if (account === undefined) throw new UserError(`there is no user named "${username}"; the users are listed by: textvault user list`);
  return account;
}

async function enabledAdmins(control: ControlStore): Promise<number[]> {
  const rows = await control.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled_at', 'is', null).execute();
  return rows.map((r) => r.id);
}

/** Disabling ends the account's sessions at once; its archive's device tokens are refused while it is disabled. */
export async function setDisabled(control: ControlStore, username: string, disabled: boolean): Promise<void> {
  const id = await userIdOf(control, username);
  if (disabled) {
    const admins = await enabledAdmins(control);
    if (admins.length === 1 && admins[0] === id) throw new UserError(`${username} is the only admin left: make another account admin first (textvault user admin NAME)`);
  }
  await control.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ disabled_at: disabled ? Date.now() : null, updated_at: Date.now() }).where('id', '=', id).execute();
    if (disabled) await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
  });
}

export async function setRole(control: ControlStore, username: string, role: Role): Promise<void> {
  const id = await userIdOf(control, username);
  if (role === 'user') {
    const admins = await enabledAdmins(control);
    if (admins.length === 1 && admins[0] === id) throw new UserError(`${username} is the only admin: make another account admin first`);
  }
  await control.db.updateTable('users').set({ role, updated_at: Date.now() }).where('id', '=', id).execute();
}

export async function setEmail(control: ControlStore, username: string, email: string | null): Promise<void> {
  const id = await userIdOf(control, username);
  await control.db.updateTable('users').set({ email, updated_at: Date.now() }).where('id', '=', id).execute();
}

/** Why an account cannot be removed, or null when it can. */
export async function removalBlocker(control: ControlStore, home: string, username: string): Promise<string | null> {
  const account = await findAccount(control, home, username);
  if (account.archive?.id === HOME_ARCHIVE_ID)
    return `${username} owns the server's home archive (the vault folder itself, which also holds the accounts and settings): it cannot be removed; disable it instead`;
  const admins = await enabledAdmins(control);
  if (admins.length === 1 && admins[0] === account.id) return `${username} is the only admin: make another account admin first`;
  return null;
}

/**
 * Removes an account, its sessions, its single sign-on links, the shares it gave and received, and its own archive: the
 * archive's folder (messages, calls, media, backups history, sources, tokens) is deleted. The
 * caller has closed the archive.
 */
export async function removeAccount(control: ControlStore, home: string, username: string): Promise<{ archiveDir: string | null }> {
  const blocker = await removalBlocker(control, home, username);
  if (blocker !== null) throw new UserError(blocker);
  const account = await findAccount(control, home, username);
  await control.db.transaction().execute(async (tx) => {
    // The control database runs without foreign keys (older rows predate them): cascade by hand.
    if (account.archive !== null) {
      await tx.deleteFrom('shares').where('archive_id', '=', account.archive.id).execute();
      await tx.deleteFrom('archives').where('id', '=', account.archive.id).execute();
    }
    await tx.deleteFrom('shares').where('user_id', '=', account.id).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', account.id).execute();
    await tx.deleteFrom('oidc_identities').where('user_id', '=', account.id).execute();
    await tx.deleteFrom('users').where('id', '=', account.id).execute();
  });
  if (account.archive !== null) await fs.promises.rm(account.archive.dir, { recursive: true, force: true });
  return { archiveDir: account.archive?.dir ?? null };
}
