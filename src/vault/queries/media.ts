/**
 * Finds the stored bytes behind an MMS part, for the media route.
 */
import type { Readable } from 'node:stream';
import type { Vault } from '../vault.js';
import { partName } from './message-view.js';

export interface MediaPart {
  id: number;
  messageId: number;
  /** As the backup declared it; never trusted for anything but a label (see server/media). */
  contentType: string | null;
  name: string | null;
  sha256: string;
  size: number;
}

export class MediaNotFoundError extends Error {
  override readonly name = 'MediaNotFoundError';
  constructor(readonly partId: number) {
    super(`part ${partId} has no stored media (it does not exist, is text only, or its data was damaged)`);
  }
}

export async function mediaPart(vault: Vault, partId: number): Promise<MediaPart> {
  const r = await vault.db
    .selectFrom('mms_parts')
    .innerJoin('blobs', 'blobs.sha256', 'mms_parts.blob_sha256')
    .select(['mms_parts.id', 'mms_parts.message_id', 'mms_parts.content_type', 'mms_parts.attrs', 'blobs.sha256', 'blobs.size'])
    .where('mms_parts.id', '=', partId)
    .executeTakeFirst();
  if (r === undefined) throw new MediaNotFoundError(partId);
  return { id: r.id, messageId: r.message_id, contentType: r.content_type, name: partName(JSON.parse(r.attrs) as [string, string][]), sha256: r.sha256, size: r.size };
}

/** Stored media's bytes (an original, or one made from it), or an inclusive range of them; found by hash, never by anything from a backup. */
export function mediaStream(vault: Vault, blob: { sha256: string }, range?: { start: number; end: number }): Readable {
  return vault.blobs.openRead(blob.sha256, range);
}
