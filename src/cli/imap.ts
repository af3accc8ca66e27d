/**
 * What the import and export commands share for IMAP mailboxes: the connection options and
 * where the password comes from (a file, TEXTVAULT_IMAP_PASSWORD, or the terminal; never argv).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ConnectOptions } from '../sources/imap/connection.js';
import type { ImapSecurity, ImapTarget } from '../sources/imap/target.js';
import { askInTerminal, fromFile } from './passphrase.js';

export const PASSWORD_ENV = 'TEXTVAULT_IMAP_PASSWORD';

export interface ImapCliOptions {
  passwordFile?: string;
  insecure?: boolean;
  imapSecurity?: ImapSecurity;
  callsFolder?: string;
}

export function addImapOptions(command: Command): Command {
  return command
    .option('--password-file <file>', `IMAP: read the password from this file (or set ${PASSWORD_ENV}; otherwise it is asked in the terminal)`)
    .addOption(
      new Option('--imap-security <mode>', 'IMAP: tls (default), or starttls / plain for a local server only').choices(['tls', 'starttls', 'plain']).default('tls'),
    )
    .option('--insecure', 'IMAP: accept a TLS certificate that does not verify (self-signed); only for a server you control')
    .option('--calls-folder <name>', 'IMAP: the call-log folder (SMS Backup+ default "Call log")', (v: string) => {
      if (v.trim() === '') throw new InvalidArgumentError('the folder name is empty');
      return v;
    });
}

export async function imapConnectOptions(target: ImapTarget, opts: ImapCliOptions): Promise<ConnectOptions> {
  const env = process.env[PASSWORD_ENV];
  const password =
    opts.passwordFile !== undefined
      ? await fromFile(opts.passwordFile, 'password')
      : env !== undefined && env !== ''
        ? env
        : await askInTerminal(
            `IMAP password for ${target.user}@${target.host}: `,
            `give the IMAP password with --password-file FILE or ${PASSWORD_ENV} (no terminal to ask in; never on the command line)`,
          );
  return { password, security: opts.imapSecurity ?? 'tls', insecure: opts.insecure === true };
}
