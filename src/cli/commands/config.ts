import type { Command } from 'commander';
import { CommandFailed, printJson, withVault, type GlobalOptions } from '../context.js';

export function registerConfig(program: Command, globals: () => GlobalOptions): void {
  const config = program.command('config').description('show or change vault settings');
  config
    .command('list')
    .description('every setting and its value')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { SETTINGS } = await import('../../vault/config.js');
      const values = await withVault(globals(), true, (vault) => vault.config.all());
      if (opts.json === true) {
        printJson(values);
        return;
      }
      for (const [key, s] of Object.entries(SETTINGS)) {
        process.stdout.write(`${key} = ${values[key] ?? '(unset)'}\n    ${s.description}\n`);
      }
    });
  config
    .command('get')
    .description('print one setting')
    .argument('<key>')
    .option('--json', 'print as JSON')
    .action(async (key: string, opts: { json?: boolean }) => {
      const value = await withVault(globals(), true, (vault) => vault.config.get(key));
      if (opts.json === true) printJson({ key, value: value ?? null });
      else if (value === undefined) throw new CommandFailed(`${key} is not set`);
      else process.stdout.write(value + '\n');
    });
  config
    .command('set')
    .description('change one setting (checked before it is stored; config list shows them all)')
    .argument('<key>')
    .argument('<value>')
    .option('--json', 'print as JSON')
    .action(async (key: string, value: string, opts: { json?: boolean }) => {
      const stored = await withVault(globals(), true, (vault) => vault.config.set(key, value));
      if (opts.json === true) printJson({ key, value: stored });
      else process.stdout.write(`${key} = ${stored}\n`);
    });
}
