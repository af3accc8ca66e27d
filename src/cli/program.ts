/**
 * The command line's commands (cli/commands/), their exit codes and error output; main.ts runs it.
 * Exit codes: 0 success, 1 the operation failed, 2 usage error.
 */
import { Command, CommanderError } from 'commander';
import { registerBackups } from './commands/backups.js';
import { registerConfig } from './commands/config.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerJobs } from './commands/jobs.js';
import { registerServe } from './commands/serve.js';
import { registerSource } from './commands/source.js';
import { registerStatus } from './commands/status.js';
import { registerToken } from './commands/token.js';
import { registerStats } from './commands/stats.js';
import { registerUser } from './commands/user.js';
import { registerVerify } from './commands/verify.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type GlobalOptions } from './context.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('textvault')
    .description('A lossless, deduplicated archive of your Android SMS, MMS and call history')
    .version('0.1.0')
    .option('--vault <dir>', 'the vault folder (default: $TEXTVAULT_DIR or ./vault)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerImport(program, globals);
  registerBackups(program, globals);
  registerStats(program, globals);
  registerVerify(program, globals);
  registerExport(program, globals);
  registerConfig(program, globals);
  registerJobs(program, globals);
  registerSource(program, globals);
  registerToken(program, globals);
  registerStatus(program, globals);
  registerServe(program, globals);
  registerUser(program, globals);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

export async function run(argv: string[]): Promise<number> {
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
      if (!e.reported) process.stderr.write(`textvault: ${e.message}\n`);
      return EXIT_FAILED;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`textvault: ${err.message}\n`);
    if (process.env.TEXTVAULT_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    return EXIT_FAILED;
  }
}

