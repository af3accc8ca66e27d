/**
 * An IMAP mailbox as the user names it: `imap://user@host[:port]/Folder`. The password is never
 * part of it (command lines are visible to every user of the machine); see connection.ts.
 */
export type ImapSecurity = 'tls' | 'starttls' | 'plain';

export interface ImapTarget {
  host: string;
  /** Explicit port, or undefined for the default of the security mode (993 TLS, 143 otherwise). */
  port: number | undefined;
  user: string;
  /** The folder named in the URL (SMS Backup+'s default: `SMS`). */
  folder: string;
  /** `user@host:port`, the key of the sync marks in the vault (no password, no folder). */
  source: string;
}

export class ImapUrlError extends Error {
  override readonly name = 'ImapUrlError';
}

export function isImapUrl(text: string): boolean {
  return /^imaps?:\/\//i.test(text);
}

export function parseImapUrl(text: string): ImapTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ImapUrlError(`${text}: not a valid IMAP URL; write it as imap://user@host/SMS`);
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw new ImapUrlError(`${text}: not an imap:// URL`);
  if (url.password !== '') {
    throw new ImapUrlError(
      'the IMAP URL holds a password; other users of this machine can read command lines. Remove it and give the password with --password-file, TEXTVAULT_IMAP_PASSWORD or at the prompt',
    );
  }
  const user = decodeURIComponent(url.username);
  if (user === '') throw new ImapUrlError(`${text}: no user name; write it as imap://user@host/SMS (an @ in the user name is written %40)`);
  if (url.hostname === '') throw new ImapUrlError(`${text}: no host name`);
  const folder = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'SMS';
  const port = url.port === '' ? undefined : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, user, folder, source: `${user}@${host}${port === undefined ? '' : `:${port}`}` };
}

export function displayUrl(t: ImapTarget, folder: string): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `imap://${encodeURIComponent(t.user)}@${host}${t.port === undefined ? '' : `:${t.port}`}/${encodeURIComponent(folder)}`;
}

/** The owner's mail address for the From/To of exported mail: the login when it is an address. */
export function folderOptions(t: ImapTarget): { userAddress: string } {
  return { userAddress: t.user.includes('@') ? t.user : `${t.user}@${t.host}` };
}
