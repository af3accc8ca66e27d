/**
 * `textvault import imap://user@host/SMS`: reads SMS Backup+'s folders (the one named in the
 * URL, and `Call log`) from an IMAP server into the vault, incrementally. Each folder is one
 * import (all-or-nothing) of the mail newer than the folder's sync mark; the mark (UIDVALIDITY,
 * last UID) is saved in the same transaction. A changed UIDVALIDITY reads the folder again from
 * the start: dedup makes that harmless. Folders are opened read-only, so no mail is marked seen.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import type { BackupUnit, ReadContext, ReadOutcome } from '../../formats/backup-unit.js';
import type { BackupContent } from '../../formats/records.js';
import { readMails } from '../../formats/smsbackupplus/unit.js';
import { importUnits, type ImportOptions, type ImportResult } from '../../vault/import/import-backup.js';
import { saveSyncMark, syncMark } from '../../vault/import/imap-sync-state.js';
import type { Vault } from '../../vault/vault.js';
import { connectImap, ImapError, isImapFlowError, type ConnectOptions } from './connection.js';
import { displayUrl, type ImapTarget } from './target.js';

export const DEFAULT_CALL_FOLDER = 'Call log';

export interface ImapImportOptions extends ConnectOptions, Pick<ImportOptions, 'match' | 'onProgress' | 'signal'> {
  /** The call-log folder (SMS Backup+'s default `Call log`); null to skip calls. */
  callFolder?: string | null;
  /** Mail bigger than this many bytes is streamed, not held in memory (default STREAM_ABOVE). */
  streamAbove?: number;
}

/** A video MMS can be hundreds of MB: such mail streams from the server into the blob store. */
export const STREAM_ABOVE = 8 << 20;
/** Smaller mail is fetched in batches of about this many bytes (one FETCH round trip each). */
const BATCH_BYTES = 16 << 20;

export interface ImapFolderResult {
  url: string;
  folder: string;
  /** `up-to-date`: no mail newer than the sync mark; `missing`: the server has no such folder. */
  status: 'imported' | 'up-to-date' | 'missing';
  /** Mails fetched from the server this run, and their size in bytes. */
  fetched: number;
  bytes: number;
  /** The folder's UIDVALIDITY changed since the last run, so it was read from the start. */
  reread: boolean;
  result?: ImportResult;
}

const REGION_SAMPLE_MAILS = 200;

export async function importImap(vault: Vault, target: ImapTarget, options: ImapImportOptions): Promise<ImapFolderResult[]> {
  const client = await connectImap(target, options);
  try {
    const folders: { name: string; content: BackupContent; required: boolean }[] = [{ name: target.folder, content: 'messages', required: true }];
    const calls = options.callFolder === undefined ? DEFAULT_CALL_FOLDER : options.callFolder;
    if (calls !== null && calls !== target.folder) folders.push({ name: calls, content: 'calls', required: false });
    const results: ImapFolderResult[] = [];
    for (const f of folders) {
      try {
        results.push(await importFolder(vault, client, target, f, options));
      } catch (e) {
        // A dropped connection or a refused command mid-import: say which folder, and that it changed nothing.
        if (!isImapFlowError(e)) throw e;
        throw new ImapError(
          `${displayUrl(target, f.name)}: the server connection failed while importing (${e.message}); nothing from this folder was imported, run the import again`,
          'protocol',
        );
      }
    }
    return results;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

async function folderExists(client: ImapFlow, name: string): Promise<boolean> {
  const list = await client.list();
  return list.some((m) => m.path === name);
}

async function importFolder(
  vault: Vault,
  client: ImapFlow,
  target: ImapTarget,
  folder: { name: string; content: BackupContent; required: boolean },
  options: ImapImportOptions,
): Promise<ImapFolderResult> {
  const url = displayUrl(target, folder.name);
  if (!(await folderExists(client, folder.name))) {
    if (folder.required) {
      throw new ImapError(`${url}: the server has no folder "${folder.name}". SMS Backup+ writes to "SMS" unless its settings name another label`, 'folder');
    }
    return { url, folder: folder.name, status: 'missing', fetched: 0, bytes: 0, reread: false };
  }
  const lock = await client.getMailboxLock(folder.name, { readOnly: true });
  try {
    const mailbox = client.mailbox;
    if (mailbox === false) throw new ImapError(`${url}: the folder could not be opened`, 'folder');
    const validity = mailbox.uidValidity.toString();
    const mark = await syncMark(vault, target.source, folder.name);
    const reread = mark !== undefined && mark.uidValidity !== validity;
    const from = mark !== undefined && !reread ? mark.lastUid + 1 : 1;
    if (mailbox.exists === 0 || mailbox.uidNext <= from) {
      return { url, folder: folder.name, status: 'up-to-date', fetched: 0, bytes: 0, reread };
    }
    const unit = folderUnit(client, url, folder.content, from, options.streamAbove ?? STREAM_ABOVE);
    const [result] = await importUnits(vault, [unit.unit], {
      ...(options.match ? { match: options.match } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      // Mail from a server is never "the same file as before": the sync mark decides what is new.
      force: true,
      beforeCommit: () => saveSyncMark(vault, target.source, folder.name, { uidValidity: validity, lastUid: Math.max(unit.maxUid(), from - 1) }),
    });
    return { url, folder: folder.name, status: 'imported', fetched: unit.fetched(), bytes: unit.bytes(), reread, ...(result ? { result } : {}) };
  } finally {
    lock.release();
  }
}

/** `1:3,7,9:10` for a sorted list of UIDs. */
export function uidSet(uids: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === (uids[j] ?? 0) + 1) j++;
    out.push(i === j ? String(uids[i]) : `${uids[i]}:${uids[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

function folderUnit(client: ImapFlow, url: string, content: BackupContent, from: number, streamAbove: number): { unit: BackupUnit; maxUid: () => number; fetched: () => number; bytes: () => number } {
  let maxUid = 0;
  let fetched = 0;
  let size = 0;
  const unit: BackupUnit = {
    format: 'smsbackupplus-imap',
    content,
    name: url,
    file: url,
    sizeOnDisk: 0,
    // Never equal to a file's size: the identical-file shortcut does not apply to a mailbox.
    digestSize: -1,
    digest: () => Promise.resolve({ sha256: '', size: -1 }),
    sampleText: async () => {
      const lines: string[] = [];
      for await (const m of client.fetch(`${from}:${from + REGION_SAMPLE_MAILS - 1}`, { uid: true, headers: ['x-smssync-address'] }, { uid: true })) {
        if (m.headers) lines.push(m.headers.toString('utf8'));
      }
      return lines.join('');
    },
    read: async (ctx: ReadContext): Promise<ReadOutcome> => {
      const hash = createHash('sha256');
      const count = (bytes: Buffer): void => {
        hash.update(bytes);
        size += bytes.length;
        ctx.onBytes(bytes.length);
      };
      // First the UIDs and sizes (cheap), so big mail can be streamed and the rest batched.
      const list: { uid: number; size: number }[] = [];
      for await (const m of client.fetch(`${from}:*`, { uid: true, size: true }, { uid: true })) {
        // `n:*` always includes the newest mail, even below n (RFC 3501); those are skipped.
        if (m.uid >= from) list.push({ uid: m.uid, size: m.size ?? 0 });
      }
      list.sort((a, b) => a.uid - b.uid);
      // Known only now: the progress total.
      unit.sizeOnDisk = list.reduce((n, m) => n + m.size, 0);
      type Mail = { bytes: Buffer | Readable; line: number; name: string; label: string };
      const label = (uid: number): Pick<Mail, 'line' | 'name' | 'label'> => ({ line: 1, name: `${url} UID ${uid}`, label: `UID ${uid}` });
      async function* mails(): AsyncGenerator<Mail> {
        for (let i = 0; i < list.length; ) {
          const first = list[i];
          if (first === undefined) break;
          if (first.size > streamAbove) {
            i++;
            const download = await client.download(String(first.uid), undefined, { uid: true });
            if (download.content === undefined) continue;
            fetched++;
            maxUid = Math.max(maxUid, first.uid);
            const tapped = download.content.pipe(
              new Transform({
                transform(chunk: Buffer, _enc, done) {
                  count(chunk);
                  done(null, chunk);
                },
              }),
            );
            download.content.on('error', (e: Error) => tapped.destroy(e));
            yield { bytes: tapped, ...label(first.uid) };
            continue;
          }
          const batch: number[] = [];
          let bytes = 0;
          for (let next = list[i]; next !== undefined && next.size <= streamAbove && bytes < BATCH_BYTES; next = list[++i]) {
            batch.push(next.uid);
            bytes += next.size;
          }
          const sources = new Map<number, Buffer>();
          for await (const m of client.fetch(uidSet(batch), { uid: true, source: true }, { uid: true })) if (m.source) sources.set(m.uid, m.source);
          for (const uid of batch) {
            const source = sources.get(uid);
            // Expunged since the listing: nothing to read.
            if (source === undefined) continue;
            fetched++;
            maxUid = Math.max(maxUid, uid);
            count(source);
            yield { bytes: source, ...label(uid) };
          }
        }
      }
      await readMails(url, content, mails(), ctx);
      // imapflow ends a fetch or download quietly when the connection drops: check it is still there.
      if (!client.usable) {
        throw new ImapError(`${url}: the server connection was lost while importing; nothing from this folder was imported, run the import again`, 'connect');
      }
      return { digest: { sha256: hash.digest('hex'), size } };
    },
  };
  return { unit, maxUid: () => maxUid, fetched: () => fetched, bytes: () => size };
}
