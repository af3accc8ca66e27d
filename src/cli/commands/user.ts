import path from 'node:path';
import type { Command } from 'commander';
import type { openControlStore } from '../../store/database.js';
import { CommandFailed, withVault, type GlobalOptions } from '../context.js';
import { readNewPassword } from '../password-input.js';

async function withAccounts(globals: GlobalOptions, fn: (control: Awaited<ReturnType<typeof openControlStore>>) => Promise<void>): Promise<void> {
  const [{ openControlStore }, { CONTROL_DB_FILE }] = await Promise.all([import('../../store/database.js'), import('../../vault/jobs/index.js')]);
  await withVault(globals, true, async (vault) => {
    const control = await openControlStore(path.join(vault.dir, CONTROL_DB_FILE));
    try {
      await fn(control);
    } finally {
      await control.close();
    }
  });
}

const users = () => import('../../vault/auth/users.js');

export function registerUser(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('accounts of the web app (the password is prompted for, or read from stdin when piped)');
  user
    .command('add')
    .description('add an account')
    .argument('<name>', 'user name')
    .action(async (name: string) => {
      const password = await readNewPassword();
      const { addUser } = await users();
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
      const { setPassword } = await users();
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
