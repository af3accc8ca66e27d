/**
 * `textvault secret rotate`: a shell over vault/secret-rotation.ts.
 */
import type { Command } from 'commander';
import { printJson, withQueue, type GlobalOptions } from '../context.js';
import { countNoun } from '../../formats/plural.js';

export function registerSecret(program: Command, globals: () => GlobalOptions): void {
  const secret = program.command('secret').description("the vault's secret key, which seals the IMAP and SMTP passwords it keeps");
  secret
    .command('rotate')
    .description('make a new secret key, seal every stored password again under it, and remove the old key (safe to run while the server runs; run again if interrupted)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { rotateSecretKey } = await import('../../vault/secret-rotation.js');
      const result = await withQueue(globals(), false, (queue, vault) => rotateSecretKey(vault, queue.control.db));
      if (opts.json === true) printJson(result);
      else
        process.stdout.write(
          `${result.resumed ? 'completed an interrupted rotation: ' : ''}new secret key in ${result.keyFile}; ${countNoun(result.resealed, 'stored secret')} sealed again under it; the old key is gone\n` +
            'Snapshots and copies of the vault taken before hold the old key with the secrets it sealed: remove them or change those passwords if the old key leaked.\n',
        );
    });
}
