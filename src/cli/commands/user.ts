import path from 'node:path';
import type { Command } from 'commander';
import { openControlStore } from '../../store/database.js';
import { addUser, setPassword } from '../../vault/auth/users.js';
import { CONTROL_DB_FILE } from '../../vault/jobs/index.js';
import { CommandFailed, withVault, type GlobalOptions } from '../context.js';
import { readNewPassword } from '../password-input.js';

async function withAccounts(globals: GlobalOptions, fn: (control: Awaited<ReturnType<typeof openControlStore>>) => Promise<void>): Promise<void> {
  await withVault(globals, true, async (vault) => {
    const control = await openControlStore(path.join(vault.dir, CONTROL_DB_FILE));
    try {
      await fn(control);
    } finally {
      await control.close();
    }
  });
}

export function registerUser(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('accounts of the web app (the password is prompted for, or read from stdin when piped)');
  user
    .command('add')
    .description('add an account')
    .argument('<name>', 'user name')
    .action(async (name: string) => {
      const password = await readNewPassword();
      await withAccounts(globals(), async (control) => {
        try {
          await addUser(control, name, password);
        } catch (e) {
          throw new CommandFailed(e instanceof Error ? e.message : String(e));
        }
      });
      process.stdout.write(`added user ${name}\n`);
    });
  user
    .command('passwd')
    .description("set an account's password (ends its sessions)")
    .argument('<name>', 'user name')
    .action(async (name: string) => {
      const password = await readNewPassword();
      await withAccounts(globals(), async (control) => {
        try {
          await setPassword(control, name, password);
        } catch (e) {
          throw new CommandFailed(e instanceof Error ? e.message : String(e));
        }
      });
      process.stdout.write(`password of ${name} changed; its sessions were ended\n`);
    });
}
