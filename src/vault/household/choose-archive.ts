/**
 * Which archive a command works on (`--user NAME`, issue 23): that account's; without it, the
 * only account's, or else the home archive (the first admin's). A vault without accounts (made
 * by `import`) is its home archive.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openControlStore } from '../../store/database.js';
import { UserError } from '../auth/users.js';
import { HOME_ARCHIVE_ID } from './archives.js';
import { CONTROL_DB_FILE } from '../control.js';
import { listAccounts, type Account } from './accounts.js';

/**
 * The account whose archive a command works on: `user`, else the only account, else the home
 * archive's owner (the first admin); undefined when there is none.
 */
export function chooseAccount(accounts: Account[], user: string | undefined): Account | undefined {
  if (user !== undefined) {
    const account = accounts.find((a) => a.username === user);
    if (account === undefined) throw new UserError(`there is no account named "${user}"; the accounts are: ${accounts.map((a) => a.username).join(', ') || 'none yet'}`);
    return account;
  }
  return accounts.length === 1 ? accounts[0] : accounts.find((a) => a.archive?.id === HOME_ARCHIVE_ID);
}

export async function chooseArchiveDir(home: string, user: string | undefined): Promise<string> {
  const file = path.join(home, CONTROL_DB_FILE);
  if (!fs.existsSync(file)) {
    if (user !== undefined) throw new UserError(`there is no account named "${user}": this vault has no accounts yet (textvault user add ${user})`);
    return home;
  }
  const control = await openControlStore(file);
  try {
    const account = chooseAccount(await listAccounts(control, home), user);
    if (user !== undefined && account?.archive == null) throw new UserError(`${user} has no archive: the control database was edited by hand`);
    return account?.archive?.dir ?? home;
  } finally {
    await control.close();
  }
}
