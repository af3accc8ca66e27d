/**
 * Sources as the web app adds and changes them: any logged-in user may, so nothing they send
 * names a file or variable of the server (source-config.ts parseWebSourceConfig), a folder must
 * be one the admin allowed (folder-policy.ts), and an IMAP password is given itself and sealed
 * (secrets.ts), never returned.
 */
import type { Vault } from '../vault.js';
import { ALLOWED_FOLDERS_SETTING, checkWebFolder, parseAllowedFolders } from './folder-policy.js';
import { sealImapPassword } from './mailbox.js';
import { addSource, setSourcePassword, type ControlDb, type Source } from './registry.js';
import { parseWebSourceConfig } from './source-config.js';
import { SourceConfigError } from './source-options.js';

export interface WebNewSource {
  name: string;
  kind: 'folder' | 'imap';
  config: unknown;
  schedule?: string;
  expectedIntervalMs?: number;
}

/** The folders web users may watch (the admin's sources.allowed-folders), as configured. */
export async function allowedFolders(vault: Vault): Promise<string[]> {
  return parseAllowedFolders(await vault.config.get(ALLOWED_FOLDERS_SETTING));
}

export async function addWebSource(vault: Vault, db: ControlDb, input: WebNewSource): Promise<Source> {
  let config: object;
  if (input.kind === 'folder') {
    const folder = parseWebSourceConfig('folder', input.config);
    config = { ...folder, path: checkWebFolder(folder.path, vault.dir, await allowedFolders(vault), { writable: folder.afterImport !== 'keep' }), fromWebApp: true };
  } else {
    const { password, ...imap } = parseWebSourceConfig('imap', input.config);
    config = { ...imap, sealedPassword: await sealImapPassword(vault.dir, password) };
  }
  return addSource(db, { ...input, config });
}

/** A new password for an IMAP source, from the web app: sealed, and it replaces a --password-file/--password-env. */
export async function setWebSourcePassword(vault: Vault, db: ControlDb, id: number, password: string): Promise<Source> {
  if (password === '') throw new SourceConfigError('the password is empty');
  return setSourcePassword(db, id, await sealImapPassword(vault.dir, password));
}
