/**
 * IMAP folders as the export's MailFolders port: scans a folder's headers (for idempotency and
 * threading) and appends mail, creating the folder when it is missing.
 */
import type { ImapFlow } from 'imapflow';
import type { ExistingMail, MailFolders } from '../../vault/export/smsbackupplus-export.js';
import { ImapError } from './connection.js';

const SCANNED = ['message-id', 'x-textvault-id', 'x-smssync-address', 'references'];

/** Header lines (as FETCH BODY[HEADER.FIELDS] returns them) -> lower-cased name -> unfolded value. */
function headerValues(raw: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const unfolded = raw.toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

export function imapFolders(client: ImapFlow): MailFolders {
  const known = new Set<string>();
  const ensure = async (folder: string): Promise<void> => {
    if (known.has(folder)) return;
    const exists = (await client.list()).some((m) => m.path === folder);
    if (!exists) await client.mailboxCreate(folder);
    known.add(folder);
  };
  return {
    scan: async (folder) => {
      const exists = (await client.list()).some((m) => m.path === folder);
      if (!exists) return [];
      known.add(folder);
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        if (client.mailbox === false || client.mailbox.exists === 0) return [];
        const mails: ExistingMail[] = [];
        for await (const m of client.fetch('1:*', { uid: true, headers: SCANNED })) {
          const h = m.headers ? headerValues(m.headers) : new Map<string, string>();
          mails.push({ messageId: h.get('message-id'), textvaultId: h.get('x-textvault-id'), address: h.get('x-smssync-address'), references: h.get('references') });
        }
        return mails;
      } finally {
        lock.release();
      }
    },
    append: async (folder, raw, options) => {
      await ensure(folder);
      const done = await client.append(folder, raw, options.seen ? ['\\Seen'] : [], options.date);
      if (done === false) throw new ImapError(`the server did not accept a mail appended to "${folder}"`, 'protocol');
    },
  };
}
