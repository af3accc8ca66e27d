/**
 * Accounts of the server (issue 23): each has an archive of its own; the first is an admin.
 * `user` commands work on the home vault's accounts whatever `--user` says; `share` works on
 * the `--user` account's own archive.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { openControlStore } from '../../store/database.js';
import { CommandFailed, formatBytes, printJson, withVault, type GlobalOptions } from '../context.js';
import { readLine, readNewPassword } from '../password-input.js';

type Control = Awaited<ReturnType<typeof openControlStore>>;

const users = () => import('../../vault/auth/users.js');
const accounts = () => import('../../vault/household/accounts.js');
const archives = () => import('../../vault/household/archives.js');

/** The home vault (made when missing, so `user add` works on a fresh folder) and its accounts. */
async function withAccounts<T>(globals: GlobalOptions, fn: (control: Control, home: string) => Promise<T>): Promise<T> {
  const [{ openControlStore }, { CONTROL_DB_FILE }, { UserError }, { ArchiveError }] = await Promise.all([
    import('../../store/database.js'),
    import('../../vault/jobs/index.js'),
    users(),
    archives(),
  ]);
  return withVault(
    globals,
    true,
    async (vault) => {
      const control = await openControlStore(path.join(vault.dir, CONTROL_DB_FILE));
      try {
        return await fn(control, vault.dir);
      } catch (e) {
        throw e instanceof UserError || e instanceof ArchiveError ? new CommandFailed(e.message) : e;
      } finally {
        await control.close();
      }
    },
    { home: true },
  );
}

function say(json: boolean | undefined, value: object, line: string): void {
  if (json === true) printJson(value);
  else process.stdout.write(`${line}\n`);
}

export function registerUser(program: Command, globals: () => GlobalOptions): void {
  const user = program
    .command('user')
    .description('accounts of the server: each has its own archive; the first is an admin (a password is prompted for, or read from stdin when piped)');

  user
    .command('add')
    .description('add an account, with an empty archive of its own')
    .argument('<name>', 'user name')
    .option('--admin', 'may manage accounts (never read their messages)')
    .option('--email <address>', 'for single sign-on: link by verified e-mail (when oidc.link-by-email is on)')
    .option('--json', 'print the outcome as JSON')
    .action(async (name: string, opts: { admin?: boolean; email?: string; json?: boolean }) => {
      const password = await readNewPassword();
      const added = await withAccounts(globals(), async (control) =>
        (await users()).addUser(control, name, password, { ...(opts.admin === true ? { role: 'admin' as const } : {}), email: opts.email ?? null }),
      );
      say(opts.json, { user: name, outcome: 'added', role: added.role }, `added ${added.role === 'admin' ? 'admin' : 'user'} ${name}, with an archive of their own`);
    });

  user
    .command('passwd')
    .description("set an account's password (ends its sessions)")
    .argument('<name>', 'user name')
    .option('--json', 'print the outcome as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const password = await readNewPassword();
      await withAccounts(globals(), async (control) => (await users()).setPassword(control, name, password));
      say(opts.json, { user: name, outcome: 'password-changed' }, `password of ${name} changed; its sessions were ended`);
    });

  user
    .command('list')
    .description('the accounts, their role, their archive folder and who it is shared with')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withAccounts(globals(), async (control, home) => (await accounts()).listAccounts(control, home));
      if (opts.json === true) {
        printJson(list);
        return;
      }
      if (list.length === 0) process.stdout.write('no accounts yet: textvault user add NAME --admin (or the setup link `textvault serve` prints)\n');
      for (const a of list)
        process.stdout.write(
          `${a.username}  ${a.role}${a.disabled ? ' (disabled)' : ''}  ${a.archive?.dir ?? 'no archive'}${a.sharedWith.length > 0 ? `  shared with ${a.sharedWith.join(', ')}` : ''}\n`,
        );
    });

  for (const [command, disabled, description] of [
    ['disable', true, 'refuse an account at once: its sessions end, its archive takes no uploads'],
    ['enable', false, 'let a disabled account sign in again'],
  ] as const) {
    user
      .command(command)
      .description(description)
      .argument('<name>', 'user name')
      .option('--json', 'print the outcome as JSON')
      .action(async (name: string, opts: { json?: boolean }) => {
        await withAccounts(globals(), async (control) => (await accounts()).setDisabled(control, name, disabled));
        say(opts.json, { user: name, outcome: command === 'disable' ? 'disabled' : 'enabled' }, `${name} ${command}d`);
      });
  }

  user
    .command('admin')
    .description('make an account an admin (--off: a user again)')
    .argument('<name>', 'user name')
    .option('--off', 'take the admin role away')
    .option('--json', 'print the outcome as JSON')
    .action(async (name: string, opts: { off?: boolean; json?: boolean }) => {
      const role = opts.off === true ? 'user' : 'admin';
      await withAccounts(globals(), async (control) => (await accounts()).setRole(control, name, role));
      say(opts.json, { user: name, outcome: 'role-changed', role }, `${name} is now ${role === 'admin' ? 'an admin' : 'a user'}`);
    });

  user
    .command('remove')
    .description('remove an account AND its archive (messages, calls, media, backups history): asks for the name again')
    .argument('<name>', 'user name')
    .option('--confirm <name>', 'the name again, instead of typing it at the prompt')
    .option('--json', 'print the outcome as JSON')
    .action(async (name: string, opts: { confirm?: string; json?: boolean }) => {
      const { usage, blocker } = await withAccounts(globals(), async (control, home) => {
        const { findAccount, removalBlocker } = await accounts();
        const account = await findAccount(control, home, name);
        const why = await removalBlocker(control, home, name);
        if (why !== null || account.archive === null) return { usage: null, blocker: why };
        const { Vault } = await import('../../vault/vault.js');
        const { archiveUsage } = await import('../../vault/household/usage.js');
        const vault = await Vault.open(account.archive.dir, { create: true });
        try {
          return { usage: { dir: account.archive.dir, ...(await archiveUsage(vault)) }, blocker: null };
        } finally {
          await vault.close();
        }
      });
      if (blocker !== null) throw new CommandFailed(blocker);
      if (usage !== null)
        process.stderr.write(
          `This deletes the account ${name} and its archive ${usage.dir} (${formatBytes(usage.sizeBytes)} on disk; ${usage.lastBackupAt === null ? 'no backup imported' : `last backup ${new Date(usage.lastBackupAt).toISOString().slice(0, 10)}`}): every message, call and media file in it, for good.\n`,
        );
      const typed = opts.confirm ?? (await readLine(`Type ${name} to confirm: `)).trim();
      if (typed !== name) throw new CommandFailed(`the name typed (${typed === '' ? 'nothing' : typed}) is not ${name}: nothing was removed`);
      const removed = await withAccounts(globals(), async (control, home) => (await accounts()).removeAccount(control, home, name));
      say(opts.json, { user: name, outcome: 'removed', archiveDeleted: removed.archiveDir }, `removed ${name}${removed.archiveDir === null ? '' : ` and deleted its archive ${removed.archiveDir}`}`);
    });

  const share = program.command('share').description("share an account's archive read-only with another account (the --user account's; default the only or first admin's)");
  const ownArchive = async (control: Control, home: string, g: GlobalOptions): Promise<{ id: number; owner: string }> => {
    const [{ listAccounts }, { chooseAccount }] = await Promise.all([accounts(), import('../../vault/household/choose-archive.js')]);
    const owner = chooseAccount(await listAccounts(control, home), g.user);
    if (owner?.archive == null) throw new CommandFailed('whose archive? name its owner with --user NAME');
    return { id: owner.archive.id, owner: owner.username };
  };

  for (const c of [
    {
      name: 'add',
      description: 'let another account browse, search and export this archive (never change it)',
      outcome: 'shared',
      act: async (control: Control, archiveId: number, userId: number): Promise<boolean> => {
        await (await archives()).shareArchive(control, archiveId, userId);
        return true;
      },
      says: (owner: string, recipient: string) => `${owner}'s archive is shared read-only with ${recipient}`,
    },
    {
      name: 'remove',
      description: 'end a share (the other account loses access at its next request)',
      outcome: 'unshared',
      act: async (control: Control, archiveId: number, userId: number): Promise<boolean> => (await archives()).unshareArchive(control, archiveId, userId),
      says: (owner: string, recipient: string) => `${owner}'s archive is no longer shared with ${recipient}`,
    },
  ]) {
    share
      .command(c.name)
      .description(c.description)
      .argument('<with>', 'the account it is shared with')
      .option('--json', 'print the outcome as JSON')
      .action(async (recipient: string, opts: { json?: boolean }) => {
        const g = globals();
        const owner = await withAccounts(g, async (control, home) => {
          const archive = await ownArchive(control, home, g);
          const { userIdOf } = await users();
          if (!(await c.act(control, archive.id, await userIdOf(control, recipient)))) throw new CommandFailed(`${archive.owner}'s archive is not shared with ${recipient}`);
          return archive.owner;
        });
        say(opts.json, { owner, sharedWith: recipient, outcome: c.outcome }, c.says(owner, recipient));
      });
  }
  share
    .command('list')
    .description('who the archive is shared with')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const g = globals();
      const list = await withAccounts(g, async (control, home) => (await archives()).sharesOf(control, (await ownArchive(control, home, g)).id));
      if (opts.json === true) {
        printJson(list);
        return;
      }
      process.stdout.write(list.length === 0 ? 'not shared with anyone\n' : list.map((s) => `${s.username} since ${new Date(s.since).toISOString().slice(0, 10)}`).join('\n') + '\n');
    });
}
