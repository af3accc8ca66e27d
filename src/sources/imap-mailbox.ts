/**
 * Plugs the SMS Backup+ IMAP reader (./imap/) into mailbox sources: a scheduled run of an IMAP
 * source is an import job that calls this.
 */
import type { MailboxImporter } from '../vault/sources/mailbox.js';
import { importImap } from './imap/import.js';
import { parseImapUrl } from './imap/target.js';

export const importMailboxViaImap: MailboxImporter = async (vault, options) => {
  const target = parseImapUrl(options.url);
  const folders = await importImap(vault, target, {
    password: options.password,
    security: options.security,
    insecure: options.insecure,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.callsFolder === undefined ? {} : { callFolder: options.callsFolder }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (p) => {
      options.onProgress?.(p.bytesRead, null);
    },
  });
  // Folders with no new mail import nothing: no backup run to report.
  return folders.flatMap((f) => (f.result === undefined ? [] : [f.result]));
};
