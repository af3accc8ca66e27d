import path from 'node:path';
import type { Command } from 'commander';
import type { openControlStore } from '../../store/database.js';
import { CommandFailed, printJson, withVault, type GlobalOptions } from '../context.js';
import { readNewPassword } from '../password-input.js';

type Control = Awaited<ReturnType<typeof openControlStore>>;

const users = () => import('../../vault/auth/users.js');

async function withAccounts(globals: GlobalOptions, fn: (control: Control) => Promise<void>): Promise<void> {
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

/** Both commands take a name and a new password; they differ in what they do with them. */
const COMMANDS = [
  {
    name: 'add',
    description: 'add an account',
    run: async (control: Control, name: string, password: string): Promise<void> => {
      await (await users()).addUser(control, name, password);
    },
    outcome: 'added',
    says: (name: string) => `added user ${name}`,
  },
  {
    name: 'passwd',
    description: "set an account's password (ends its sessions)",
    run: async (control: Control, name: string, password: string): Promise<void> => {
      await (await users()).setPassword(control, name, password);
    },
    outcome: 'password-changed',
    says: (name: string) => `password of ${name} changed; its sessions were ended`,
  },
];

export function registerUser(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('accounts of the web app (the password is prompted for, or read from stdin when piped)');
  for (const c of COMMANDS) {
    user
      .command(c.name)
      .description(c.description)
      .argument('<name>', 'user name')
      .option('--json', 'print the outcome as JSON')
      .action(async (name: string, opts: { json?: boolean }) => {
        const password = await readNewPassword();
        await withAccounts(globals(), async (control) => {
          try {
            await c.run(control, name, password);
          } catch (e) {
            throw new CommandFailed(e instanceof Error ? e.message : String(e));
          }
        });
        if (opts.json === true) printJson({ user: name, outcome: c.outcome });
        else process.stdout.write(`${c.says(name)}\n`);
      });
  }
}
