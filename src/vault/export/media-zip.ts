/**
 * "Download all of this conversation's media" (issue 25): every attachment the gallery lists for
 * one conversation, the original bytes as stored, in one ZIP written while it is sent (yazl reads
 * one blob at a time when the reader has taken the previous one: nothing is held in memory, and a
 * slow reader slows the reading of the media store, not the server's memory).
 *
 * Entry names are made here, never taken as they are from a backup: the message's date and time
 * (server time zone) and the part's name cleaned of path separators, `..`, control and format
 * characters, bounded in length, with an extension from a fixed list when it has none, and made
 * unique (` (2)` before the extension). The ZIP holds only file entries, no folders.
 */
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { downloadName, extensionFor } from '../../formats/html/escape.js';
import { getConversation } from '../queries/conversations.js';
import { partName } from '../queries/message-view.js';
import type { Vault } from '../vault.js';

/** Characters of an entry's name after the date: short enough for every file system with room for ` (12345)`. */
const MAX_NAME_CHARS = 100;

/** Kinds whose bytes are compressed already: stored as they are (deflating them only costs CPU). */
const STORED_AS_IS = new Set(['image', 'video', 'audio']);

export interface MediaZip {
  /** A safe name for the download (the conversation's title). */
  fileName: string;
  entries: number;
  /** The ZIP's bytes, written as they are read. */
  stream: Readable;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2024-03-05 14-22-10`, in the server's time zone. */
function stampOf(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** A name part without anything a file system or a ZIP tool could read as a path or hide (bidi overrides, zero-width characters). */
function cleanName(name: string): string {
  const base = downloadName(name, '')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ');
  return Array.from(base).slice(0, MAX_NAME_CHARS).join('').replace(/[.\s]+$/, '').trim();
}

/** Splits `name.ext` (an extension of 1 to 8 letters and digits) for the ` (2)` of a duplicate. */
function splitExtension(name: string): [string, string] {
  const m = /^(.+?)(\.[\p{L}\p{N}]{1,8})$/u.exec(name);
  return m === null ? [name, ''] : [m[1] ?? name, m[2] ?? ''];
}

/** Names entries of one ZIP: safe, and unique even where file systems ignore case. */
export class EntryNamer {
  private readonly used = new Set<string>();

  name(part: { id: number; date: number; name: string | null; contentType: string }): string {
    const cleaned = part.name === null ? '' : cleanName(part.name);
    const ext = extensionFor(part.contentType);
    let base = cleaned === '' ? `attachment-${part.id}.${ext}` : cleaned;
    if (splitExtension(base)[1] === '' && ext !== 'bin') base = `${base}.${ext}`;
    const [stem, extension] = splitExtension(`${stampOf(part.date)} ${base}`);
    let candidate = stem + extension;
    for (let n = 2; this.used.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${extension}`;
    this.used.add(candidate.toLowerCase());
    return candidate;
  }
}

/** The ZIP of a conversation's media; throws ConversationNotFoundError for an unknown conversation. */
export async function conversationMediaZip(vault: Vault, conversationId: number): Promise<MediaZip> {
  const conversation = await getConversation(vault, conversationId);
  const rows = await vault.db
    .selectFrom('gallery_items as g')
    .innerJoin('mms_parts as p', 'p.id', 'g.part_id')
    .select(['g.part_id', 'g.date_ms', 'g.kind', 'p.content_type', 'p.attrs', 'p.blob_sha256'])
    .where('g.conversation_id', '=', conversationId)
    .orderBy('g.date_ms')
    .orderBy('g.part_id')
    .execute();
  const zip = new yazl.ZipFile();
  // yazl's output is a PassThrough, typed only as a ReadableStream.
  const stream = zip.outputStream;
  if (!(stream instanceof Readable)) throw new TypeError('yazl gave an output stream that is not a Node Readable');
  // A blob that cannot be read ends the download with an error instead of a ZIP that hangs or
  // looks whole. yazl does not listen for a read stream's errors (one would be thrown as uncaught,
  // ending the server), so each blob's are sent to the output here.
  const fail = (e: unknown): void => {
    stream.destroy(e instanceof Error ? e : new Error(String(e)));
  };
  zip.on('error', fail);
  // A reader that goes away (the download cancelled) ends the output: close the blob being read with it.
  let reading: Readable | undefined;
  stream.once('close', () => reading?.destroy());
  const namer = new EntryNamer();
  let entries = 0;
  for (const r of rows) {
    const sha256 = r.blob_sha256;
    // gallery_items lists stored parts only; a part changed since is skipped, not sent empty.
    if (sha256 === null) continue;
    const name = namer.name({ id: r.part_id, date: r.date_ms, name: partName(JSON.parse(r.attrs) as [string, string][]), contentType: r.content_type ?? '' });
    zip.addReadStreamLazy(name, { mtime: new Date(r.date_ms), compress: !STORED_AS_IS.has(r.kind) }, (cb) => {
      let blob: Readable;
      try {
        blob = vault.blobs.openRead(sha256);
      } catch (e) {
        fail(e);
        return;
      }
      blob.on('error', fail);
      reading = blob;
      cb(null, blob);
    });
    entries++;
  }
  zip.end();
  const title = cleanName(conversation.title.replace(/[/\\]/g, '_'));
  return { fileName: `${title === '' ? `conversation-${conversationId}` : title} media.zip`, entries, stream };
}
