import type { Command } from 'commander';
import type { openControl } from '../../vault/control.js';
import { printJson, withVault, type GlobalOptions } from '../context.js';

const tokens = () => import('../../vault/sources/tokens.js');

export function registerToken(program: Command, globals: () => GlobalOptions): void {
  const token = program.command('token').description('API tokens that let a device upload backups (PUT /api/ingest/FILENAME)');
  const withControl = <T>(fn: (db: Awaited<ReturnType<typeof openControl>>['db']) => Promise<T>): Promise<T> =>
    withVault(globals(), true, async (vault) => {
      const control = await (await import('../../vault/control.js')).openControl(vault);
      try {
        return await fn(control.db);
      } finally {
        await control.close();
      }
    });
  token
    .command('create')
    .description('create a token for one device; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'the device, e.g. "Pixel 8" (also the name of its upload source)')
    .option('--json', 'print as JSON')
    .action(async (opts: { name: string; json?: boolean }) => {
      const { createToken } = await tokens();
      const { token: secret, record } = await withControl((db) => createToken(db, opts.name));
      if (opts.json === true) {
        printJson({ ...record, token: secret });
        return;
      }
      process.stdout.write(
        `token #${record.id} for "${record.name}" (shown only now; store it in the device's upload app):\n\n  ${secret}\n\n` +
          `upload with: curl -T sms-backup.xml -H "Authorization: Bearer ${secret}" http://YOUR-SERVER:8787/api/ingest/sms-backup.xml\n`,
      );
    });
  token
    .command('list')
    .description('every token (never the tokens themselves)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listTokens } = await tokens();
      const all = await withControl((db) => listTokens(db));
      if (opts.json === true) printJson(all);
      else if (all.length === 0) process.stdout.write('no tokens (textvault token create --name "Pixel 8")\n');
      else
        for (const t of all) {
          const state = t.revokedAt === null ? 'active' : `revoked ${t.revokedAt.slice(0, 10)}`;
          process.stdout.write(`#${t.id} ${t.name}  ${state}  created ${t.createdAt.slice(0, 10)}  last used ${t.lastUsedAt?.replace('T', ' ').slice(0, 16) ?? 'never'}\n`);
        }
    });
  token
    .command('revoke')
    .description('revoke a token (by id or device name); it stops working at once')
    .argument('<token>', 'token id or name')
    .option('--json', 'print the revoked token (never the token itself) as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { revokeToken } = await tokens();
      const t = await withControl((db) => revokeToken(db, ref));
      if (opts.json === true) printJson(t);
      else process.stdout.write(`revoked token #${t.id} (${t.name})\n`);
    });
}
