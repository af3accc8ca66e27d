/**
 * Which archive a command works on (`--user NAME`, issue 23): that account's; without it, the
 * only account's, or else the home archive (the first admin's). A vault without accounts (made
 * by `import`) is its home archive.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openControlStore } from '../../store/database.js';
import { UserError } from '../auth/users.js';
import { CONTROL_DB_FILE } from '../control.js';
import { listAccounts } from './accounts.js';

export async function chooseArchiveDir(home: string, user: string | undefined): Promise<string> {
  const file = path.join(home, CONTROL_DB_FILE);
  if (!fs.existsSync(file)) {
    if (user !== undefined) throw new UserError(`there is no account named "${user}": this vault has no accounts yet (textvault user add ${user})`);
    return home;
  }
  const control = await openControlStore(file);
  try {
    const accounts = await listAccounts(control, home);
    if (user !== undefined) {
      const account = accounts.find((a) => a.username === user);
      if (account === undefined) throw new UserError(`there is no account named "${user}"; the accounts are: ${accounts.map((a) => a.username).join(', ') || 'none yet'}`);
      if (account.archive === null) throw new UserError(`${user} has no archive: the control database was edited by hand`);
      return account.archive.dir;
    }
    const only = accounts.length === 1 ? accounts[0] : undefined;
    return only?.archive?.dir ?? home;
  } finally {
    await control.close();
  }
}
