import { ImapFlow } from 'imapflow';
import type { Dovecot } from '../../helpers/dovecot.js';
import { parseImapUrl, type ImapTarget } from '../../../src/sources/imap/target.js';

/** A plain-text admin connection to the test server, to put mail in place. */
export async function admin(d: Dovecot): Promise<ImapFlow> {
  const c = new ImapFlow({ host: d.host, port: d.port, secure: false, doSTARTTLS: false, auth: { user: d.user, pass: d.password }, logger: false });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export async function put(d: Dovecot, folder: string, mails: Buffer[]): Promise<void> {
  const c = await admin(d);
  try {
    if (!(await c.list()).some((m) => m.path === folder)) await c.mailboxCreate(folder);
    for (const m of mails) await c.append(folder, m);
  } finally {
    await c.logout();
  }
}

export function target(d: Dovecot, folder: string, port = d.tlsPort): ImapTarget {
  return parseImapUrl(`imap://${d.user}@localhost:${port}/${encodeURIComponent(folder)}`);
}
