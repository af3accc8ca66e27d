/**
 * The command line's commands (cli/commands/), their exit codes and error output; main.ts runs it.
 * Exit codes: 0 success, 1 the operation failed, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { registerBackups } from './commands/backups.js';
import { registerConfig } from './commands/config.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerJobs } from './commands/jobs.js';
import { registerServe } from './commands/serve.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerSource } from './commands/source.js';
import { registerStatus } from './commands/status.js';
import { registerToken } from './commands/token.js';
import { registerStats } from './commands/stats.js';
import { registerUser } from './commands/user.js';
import { registerVerify } from './commands/verify.js';
import { registerGc } from './commands/gc.js';
import { registerMedia } from './commands/media.js';
import { registerSecret } from './commands/secret.js';
import { registerMigrate } from './commands/migrate.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type GlobalOptions } from './context.js';
import { describeDefaultVault } from './vault-location.js';
import { escapeControls, terminalSafe } from './terminal.js';

/** The version of the installed package: package.json sits two folders above dist/cli/ in a checkout and in an install. */
function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('textvault')
    .description('A lossless, deduplicated archive of your Android SMS, MMS and call history')
    .version(packageVersion())
    .option('--vault <dir>', `the vault folder (default: ${describeDefaultVault()})`)
    .option('--media <url>', 'keep a new vault\'s media in S3-compatible storage: s3://BUCKET/PREFIX (default: $TEXTVAULT_MEDIA, else the vault folder); endpoint, region and keys from the AWS_* environment variables')
    .option('--user <name>', "work on this account's archive (a server for a household; default: the only account's, else the first admin's)")
    .addOption(new Option('--default-vault <dir>', 'the vault when neither --vault nor $TEXTVAULT_DIR names one (npm start: ./vault)').hideHelp())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerImport(program, globals);
  registerBackups(program, globals);
  registerStats(program, globals);
  registerVerify(program, globals);
  registerGc(program, globals);
  registerMedia(program, globals);
  registerExport(program, globals);
  registerConfig(program, globals);
  registerJobs(program, globals);
  registerSource(program, globals);
  registerToken(program, globals);
  registerStatus(program, globals);
  registerServe(program, globals);
  registerUser(program, globals);
  registerSnapshot(program, globals);
  registerSecret(program, globals);
  registerMigrate(program, globals);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

export async function run(argv: string[]): Promise<number> {
  // Names and texts from backups must not drive the terminal (terminal.ts).
  escapeControls(process.stdout);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof CommandFailed) {
      if (!e.reported) process.stderr.write(`textvault: ${terminalSafe(e.message)}\n`);
      return EXIT_FAILED;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`textvault: ${terminalSafe(err.message)}\n`);
    if (process.env.TEXTVAULT_DEBUG) process.stderr.write(`${terminalSafe(err.stack ?? '')}\n`);
    return EXIT_FAILED;
  }
}

