/**
 * IMAP mailbox sources (SMS Backup+ writes each message as a mail to a Gmail/IMAP folder). The
 * reader lives in the SMS Backup+ format code; the sources only need this one entry point, which
 * that code registers. Until it is registered, an IMAP source fails with a clear message.
 */
import fs from 'node:fs';
import type { ImportResult } from '../import/import-backup.js';
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

/** The extra trusted certificate of a source, if it names one. */
export function mailboxCa(config: ImapConfig): string[] | undefined {
  if (config.caFile === undefined) return undefined;
  try {
    return [fs.readFileSync(config.caFile, 'utf8')];
  } catch (e) {
    throw new Error(`cannot read the IMAP server certificate ${config.caFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}

/** The mailbox password from the source's password file or environment variable. */
export function mailboxPassword(config: ImapConfig): string {
  if (config.passwordFile !== undefined) {
    try {
      return fs.readFileSync(config.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`cannot read the IMAP password file ${config.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
    }
  }
  if (config.passwordEnv !== undefined) {
    const v = process.env[config.passwordEnv];
    if (v === undefined || v === '') throw new Error(`the environment variable ${config.passwordEnv} (the IMAP password) is not set for the vault's process`);
    return v;
  }
  throw new Error('the IMAP source has no password: add it again with --password-file FILE or --password-env NAME');
}
