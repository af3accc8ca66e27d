/**
 * `textvault export --format smsbackupplus --to imap://user@host/SMS`: the vault's export over
 * an IMAP connection (messages to the URL's folder, calls to `Call log`).
 */
import type { ExportSelection } from '../../vault/export/selection.js';
import { exportSmsBackupPlus, type SmsBackupPlusExportResult } from '../../vault/export/smsbackupplus-export.js';
import type { Vault } from '../../vault/vault.js';
import { connectImap, type ConnectOptions } from './connection.js';
import { folderOptions, type ImapTarget } from './target.js';
import { imapFolders } from './folders.js';
import { DEFAULT_CALL_FOLDER } from './import.js';

export interface ImapExportOptions extends ConnectOptions {
  callFolder?: string;
  onProgress?: (done: number, total: number) => void;
}

export async function exportToImap(vault: Vault, selection: ExportSelection, target: ImapTarget, options: ImapExportOptions): Promise<SmsBackupPlusExportResult> {
  const client = await connectImap(target, options);
  try {
    return await exportSmsBackupPlus(vault, selection, imapFolders(client), {
      messagesFolder: target.folder,
      callsFolder: options.callFolder ?? DEFAULT_CALL_FOLDER,
      userAddress: folderOptions(target).userAddress,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    await client.logout().catch(() => undefined);
  }
}
