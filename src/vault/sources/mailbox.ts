/**
 * IMAP mailbox sources (SMS Backup+ writes each message as a mail to a Gmail/IMAP folder). The
 * reader lives in the SMS Backup+ format code; the sources only need this one entry point, which
 * that code registers. Until it is registered, an IMAP source fails with a clear message.
 */
import fs from 'node:fs';
import type { ImportResult } from '../import/import-backup.js';
import { openSecret, sealSecret } from '../secrets.js';
import type { ImapConfig } from './source-config.js';
import type { Vault } from '../vault.js';

export interface MailboxImportOptions {
  /** imap[s]://user@host[:port]/Folder */
  url: string;
  password: string;
  security: 'tls' | 'starttls' | 'plain';
  insecure: boolean;
  /** Extra trusted certificates (PEM). */
  ca?: string[];
  callsFolder?: string;
  onProgress?: (done: number, total: number | null) => void;
  /** Stops the import (a cancel, the time limit, a shutdown): the folder being read rolls back. */
  signal?: AbortSignal;
}

/** Imports the mail not yet seen in the mailbox (the reader remembers UIDVALIDITY/UID). */
export type MailboxImporter = (vault: Vault, options: MailboxImportOptions) => Promise<ImportResult[]>;

export class MailboxUnavailableError extends Error {
  override readonly name = 'MailboxUnavailableError';
  constructor() {
    super('IMAP mailbox sources are not available in this process: the SMS Backup+ IMAP reader was not registered (run the source from textvault serve, daemon or source run)');
  }
}

let importer: MailboxImporter | undefined;

export function registerMailboxImporter(fn: MailboxImporter): void {
  importer = fn;
}

export function mailboxImporter(): MailboxImporter {
  if (importer === undefined) throw new MailboxUnavailableError();
  return importer;
}

export function isMailboxUrl(s: string): boolean {
  return /^imaps?:\/\//i.test(s);
}

/**
 * A source's password or certificate could not be had. The message goes to the source's health,
 * which every web user sees: it names no path and no error code of the server's disk (which
 * would tell whether a file exists), only what to do.
 */
export class MailboxSecretError extends Error {
  override readonly name = 'MailboxSecretError';
}

/** What a password stored from the web app is sealed for (secrets.ts): it opens for nothing else. */
export const IMAP_PASSWORD_PURPOSE = 'source.imap-password';

export function sealImapPassword(vaultDir: string, password: string): Promise<string> {
  return sealSecret(vaultDir, IMAP_PASSWORD_PURPOSE, password);
}

function unconfirmed(): MailboxSecretError {
  return new MailboxSecretError(
    'this source names a password file, variable or certificate file of the server that was set before the security update, when any web user could set them; ' +
      'an admin confirms it on the server with: textvault source confirm NAME (or type the password on the Sources page)',
  );
}

/** The extra trusted certificate of a source, if the command line named one (--ca-file). */
export function mailboxCa(config: ImapConfig): string[] | undefined {
  if (config.caFile === undefined) return undefined;
  if (config.unconfirmedServerRefs === true) throw unconfirmed();
  try {
    return [fs.readFileSync(config.caFile, 'utf8')];
  } catch (e) {
    throw new MailboxSecretError("could not read the IMAP server's certificate file (--ca-file) on the server; check it with textvault source list there, or add the source again", { cause: e });
  }
}

/** The mailbox password: sealed (set in the web app), or from the file or environment variable the command line named. */
export async function mailboxPassword(config: ImapConfig, vaultDir: string): Promise<string> {
  if (config.sealedPassword !== undefined) {
    try {
      return await openSecret(vaultDir, IMAP_PASSWORD_PURPOSE, config.sealedPassword);
    } catch (e) {
      throw new MailboxSecretError("could not read the source's stored password (the vault's secret key is missing or another one); set the password again", { cause: e });
    }
  }
  if ((config.passwordFile !== undefined || config.passwordEnv !== undefined) && config.unconfirmedServerRefs === true) throw unconfirmed();
  if (config.passwordFile !== undefined) {
    try {
      return fs.readFileSync(config.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new MailboxSecretError('could not read the password file given with --password-file on the server; check it with textvault source list there, or set the password again', { cause: e });
    }
  }
  if (config.passwordEnv !== undefined) {
    const v = process.env[config.passwordEnv];
    if (v === undefined || v === '') throw new MailboxSecretError("the environment variable given with --password-env is not set for the vault's process; set it, or set the password again");
    return v;
  }
  throw new MailboxSecretError('the IMAP source has no password: set it on the Sources page, or add the source again with --password-file FILE or --password-env NAME');
}
