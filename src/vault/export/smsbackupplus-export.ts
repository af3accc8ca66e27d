/**
 * Appends a selection of the archive to mail folders in SMS Backup+'s layout (messages to the
 * SMS folder, calls to the Call log folder), so the app can restore them and Gmail threads them
 * with the mail the app wrote itself. Idempotent: a record whose mail is already in the folder
 * (by Textvault's id header, or by the app's Message-ID for mail the app wrote) is not appended
 * again, so an interrupted export is finished by running it again.
 *
 * The folders are reached through a MailFolders port (src/sources/imap implements it over IMAP);
 * this module never speaks a protocol.
 */
import type { ArchiveRecord } from '../../formats/records.js';
import { attr } from '../../formats/records.js';
import { newReference, referenceOf } from '../../formats/smsbackupplus/headers.js';
import { mailIdentity, messageIdOf, writeMail } from '../../formats/smsbackupplus/writer.js';
import { parseRegion, PhoneNormalizer } from '../phone.js';
import type { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { resolveSelection, SelectionError, type ExportSelection } from './selection.js';

/** What a folder already holds, one entry per mail. */
export interface ExistingMail {
  messageId: string | undefined;
  /** Textvault's id header, on mail Textvault wrote. */
  textvaultId: string | undefined;
  address: string | undefined;
  references: string | undefined;
}

export interface MailFolders {
  /** The mails of a folder (headers only); an empty list when the folder does not exist yet. */
  scan(folder: string): Promise<ExistingMail[]>;
  /** Appends one mail, creating the folder when needed. */
  append(folder: string, raw: Buffer, options: { seen: boolean; date: Date }): Promise<void>;
}

export interface SmsBackupPlusExportOptions {
  messagesFolder: string;
  callsFolder: string;
  /** The mailbox owner's address, on their side of every mail. */
  userAddress: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SmsBackupPlusExportResult {
  appended: { messages: number; calls: number };
  /** Already in the folder from an earlier run (or written by the app): not appended again. */
  alreadyThere: { messages: number; calls: number };
  /** The folders' install reference (References headers), reused from the app's mail when present. */
  reference: string;
}

const REFERENCE_KEY = 'smsbackupplus.reference';

interface FolderIndex {
  textvaultIds: Set<string>;
  appMessageIds: Set<string>;
  /** Thread of each normalised address, from the References of mail already there. */
  threads: Map<string, string>;
  references: Map<string, number>;
}

function indexFolder(mails: ExistingMail[], phones: PhoneNormalizer): FolderIndex {
  const index: FolderIndex = { textvaultIds: new Set(), appMessageIds: new Set(), threads: new Map(), references: new Map() };
  for (const m of mails) {
    if (m.textvaultId !== undefined) index.textvaultIds.add(m.textvaultId);
    else if (m.messageId !== undefined) index.appMessageIds.add(m.messageId);
    const ref = m.references === undefined ? undefined : referenceOf(m.references);
    if (ref === undefined) continue;
    index.references.set(ref.reference, (index.references.get(ref.reference) ?? 0) + 1);
    const norm = m.address === undefined ? '' : phones.normalize(m.address);
    if (norm !== '' && !index.threads.has(norm)) index.threads.set(norm, ref.thread);
  }
  return index;
}

function mostUsed(counts: Map<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const e of counts) if (best === undefined || e[1] > best[1]) best = e;
  return best?.[0];
}

/** The number a record's mail is about: the thread key when the folder has none for it. */
function partyOf(r: ArchiveRecord): string {
  if (r.kind === 'call') return attr(r.attrs, 'number') ?? '';
  return (attr(r.attrs, 'address') ?? '').split('~')[0]?.trim() ?? '';
}

export async function exportSmsBackupPlus(
  vault: Vault,
  selection: ExportSelection,
  folders: MailFolders,
  options: SmsBackupPlusExportOptions,
): Promise<SmsBackupPlusExportResult> {
  const sel = await resolveSelection(vault, selection);
  const reader = new ArchiveReader(vault);
  const messageTotal = reader.countMessages(sel);
  const callTotal = reader.countCalls(sel);
  if (messageTotal + callTotal === 0) throw new SelectionError('nothing to export: the selection holds no messages or calls');
  const phones = new PhoneNormalizer((await vault.config.region()) ?? parseRegion('US'));

  const messagesIndex = messageTotal > 0 ? indexFolder(await folders.scan(options.messagesFolder), phones) : undefined;
  const callsIndex = callTotal > 0 ? indexFolder(await folders.scan(options.callsFolder), phones) : undefined;
  // Gmail threads by References: reuse the app's install reference when its mail is there.
  const merged = new Map([...(messagesIndex?.references ?? []), ...(callsIndex?.references ?? [])]);
  let reference = mostUsed(merged) ?? (await vault.config.get(REFERENCE_KEY));
  if (reference === undefined) {
    reference = newReference();
    await vault.config.setRaw(REFERENCE_KEY, reference);
  }

  const media = { open: (sha256: string) => vault.blobs.openRead(sha256) as AsyncIterable<Buffer> };
  const result: SmsBackupPlusExportResult = { appended: { messages: 0, calls: 0 }, alreadyThere: { messages: 0, calls: 0 }, reference };
  const total = messageTotal + callTotal;
  let done = 0;
  let fallbackId = 0;
  const jobs = [
    { key: 'messages' as const, folder: options.messagesFolder, index: messagesIndex, records: () => reader.messages(sel) },
    { key: 'calls' as const, folder: options.callsFolder, index: callsIndex, records: () => reader.calls(sel) },
  ];
  for (const job of jobs) {
    const index = job.index;
    if (index === undefined) continue;
    for (const record of job.records()) {
      fallbackId++;
      done++;
      const identity = mailIdentity(record);
      if (index.textvaultIds.has(identity) || index.appMessageIds.has(messageIdOf(record))) {
        result.alreadyThere[job.key]++;
        continue;
      }
      const party = partyOf(record);
      const norm = phones.normalize(party);
      const thread = index.threads.get(norm) ?? (norm.replace(/[^0-9A-Za-z+]/g, '') || 'unknown');
      const mail = await writeMail(record, { userAddress: options.userAddress, reference, thread, fallbackId: String(fallbackId), media });
      await folders.append(job.folder, mail.raw, { seen: mail.seen, date: mail.date });
      index.textvaultIds.add(identity);
      result.appended[job.key]++;
      options.onProgress?.(done, total);
    }
  }
  options.onProgress?.(total, total);
  return result;
}
