/**
 * Presents stored messages as the API shows them: direction, delivery state, sender, and MMS
 * parts with what kind of thing each one is. Reads the lossless attributes, never changes them.
 */
import type { Attrs } from '../../formats/records.js';
import { decodeStoredAttrs } from '../stored-attrs.js';
import type { Vault } from '../vault.js';
import { namesFor, type Person } from './names.js';

export type PartKind = 'image' | 'video' | 'audio' | 'vcard' | 'text' | 'other';

export interface PartView {
  id: number;
  contentType: string;
  name: string | null;
  size: number | null;
  /** Where the bytes are; answers 404 when the part has none stored (text only, or damaged data). */
  url: string;
  kind: PartKind;
  text: string | null;
  damaged: string | null;
}

export interface MessageView {
  id: number;
  conversationId: number;
  kind: 'sms' | 'mms';
  date: number;
  dateSent: number | null;
  direction: 'in' | 'out' | 'unknown';
  status: string | null;
  read: boolean | null;
  sender: Person | null;
  body: string | null;
  subject: string | null;
  parts: PartView[];
}

/** The columns a view needs from `messages`. */
/** Where a listed item (a search hit, a gallery item) came from: its message, in its conversation. */
export interface MessagePlace {
  messageId: number;
  conversationId: number;
  conversationTitle: string;
  date: number;
  direction: 'in' | 'out' | 'unknown';
  sender: Person | null;
}

export interface MessageRow {
  id: number;
  conversation_id: number;
  kind: 'sms' | 'mms';
  date_ms: number;
  date_sent_ms: number | null;
  direction: string;
  box: number | null;
  body: string | null;
  read: number | null;
  attrs: string;
}

export const MESSAGE_COLUMNS = ['id', 'conversation_id', 'kind', 'date_ms', 'date_sent_ms', 'direction', 'box', 'body', 'read', 'attrs'] as const;

/** vCards up to this size are inlined so the client can draw a contact card without a request. */
const VCARD_INLINE_BYTES = 64 * 1024;

function attrOf(attrs: Attrs, name: string): string | null {
  const v = attrs.find(([n]) => n === name)?.[1];
  return v === undefined || v === 'null' || v === '' ? null : v;
}

function statusOf(kind: 'sms' | 'mms', box: number | null, attrs: Attrs): string | null {
  switch (box) {
    case 1:
      return 'received';
    case 2: {
      if (kind === 'sms') {
        const st = attrOf(attrs, 'status');
        if (st === '0') return 'delivered';
        if (st === '64' || st === '128') return 'failed';
        if (st === '32') return 'pending';
      }
      return 'sent';
    }
    case 3:
      return 'draft';
    case 4:
    case 6:
      return 'outbox';
    case 5:
      return 'failed';
    default:
      return null;
  }
}

export function partKind(contentType: string): PartKind {
  const t = contentType.toLowerCase();
  if (t === 'image/svg+xml') return 'other';
  if (t.startsWith('image/')) return 'image';
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('audio/')) return 'audio';
  if (t === 'text/x-vcard' || t === 'text/vcard' || t === 'text/directory') return 'vcard';
  if (t === 'text/plain') return 'text';
  return 'other';
}

/** A part's file name as the backup gave it (`name`, else `cl`, else `fn`), if any. */
export function partName(attrs: [string, string][]): string | null {
  for (const key of ['name', 'cl', 'fn']) {
    const v = attrs.find(([n]) => n === key)?.[1];
    if (v !== undefined && v !== '' && v !== 'null') return v;
  }
  return null;
}

async function partsFor(vault: Vault, ids: number[]): Promise<Map<number, PartView[]>> {
  const byMessage = new Map<number, PartView[]>();
  if (ids.length === 0) return byMessage;
  const rows = await vault.db
    .selectFrom('mms_parts')
    .select(['id', 'message_id', 'content_type', 'blob_sha256', 'size', 'damage', 'attrs'])
    .where('message_id', 'in', ids)
    .orderBy('message_id')
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const contentType = r.content_type ?? 'application/octet-stream';
    // SMIL only lays out the slide; the client shows the parts themselves.
    if (contentType.toLowerCase() === 'application/smil') continue;
    const attrs = JSON.parse(r.attrs) as [string, string][];
    const kind = partKind(contentType);
    let text: string | null = null;
    if (kind === 'text') text = attrs.find(([n]) => n === 'text')?.[1] ?? null;
    if (kind === 'vcard' && r.blob_sha256 !== null && (r.size ?? 0) <= VCARD_INLINE_BYTES) {
      text = await readSmallBlob(vault, r.blob_sha256);
    }
    const list = byMessage.get(r.message_id) ?? [];
    list.push({
      id: r.id,
      contentType,
      name: partName(attrs),
      size: r.size,
      url: `/api/media/${r.id}`,
      kind,
      text,
      damaged: r.damage,
    });
    byMessage.set(r.message_id, list);
  }
  return byMessage;
}

async function readSmallBlob(vault: Vault, sha256: string): Promise<string | null> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of vault.blobs.openRead(sha256)) chunks.push(chunk as Buffer);
  } catch {
    return null;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Who sent each incoming MMS: its `from` (137) address. */
async function mmsSenders(vault: Vault, ids: number[]): Promise<Map<number, string>> {
  const senders = new Map<number, string>();
  if (ids.length === 0) return senders;
  const rows = await vault.db
    .selectFrom('mms_addrs')
    .select(['message_id', 'address_norm', 'address'])
    .where('message_id', 'in', ids)
    .where('type', '=', 137)
    .execute();
  for (const r of rows) senders.set(r.message_id, r.address_norm ?? r.address ?? '');
  return senders;
}

/** The sender of each incoming message: its MMS `from` address, else the 1:1 thread's other person. */
export async function sendersOf(
  vault: Vault,
  rows: readonly Pick<MessageRow, 'id' | 'kind' | 'direction' | 'conversation_id'>[],
  membersOf: (conversationId: number) => readonly Person[],
): Promise<Map<number, Person | null>> {
  const from = await mmsSenders(vault, rows.filter((r) => r.kind === 'mms' && r.direction === 'in').map((r) => r.id));
  const names = await namesFor(vault, from.values());
  const out = new Map<number, Person | null>();
  for (const r of rows) {
    let sender: Person | null = null;
    if (r.direction === 'in') {
      const members = membersOf(r.conversation_id);
      const address = from.get(r.id);
      if (address !== undefined && address !== '') sender = members.find((m) => m.address === address) ?? { address, name: names.get(address) ?? null };
      else if (members.length === 1) sender = members[0] ?? null;
    }
    out.set(r.id, sender);
  }
  return out;
}

/** Views of `rows` (all of one conversation) in the same order. */
export async function viewMessages(vault: Vault, rows: readonly MessageRow[], members: readonly Person[]): Promise<MessageView[]> {
  const parts = await partsFor(vault, rows.filter((r) => r.kind === 'mms').map((r) => r.id));
  const senders = await sendersOf(vault, rows, () => members);
  return rows.map((r) => {
    const attrs = decodeStoredAttrs(r.attrs);
    return {
      id: r.id,
      conversationId: r.conversation_id,
      kind: r.kind,
      date: r.date_ms,
      dateSent: r.date_sent_ms !== null && r.date_sent_ms > 0 ? r.date_sent_ms : null,
      direction: directionOf(r.direction),
      status: statusOf(r.kind, r.box, attrs),
      read: r.read === null ? null : r.read !== 0,
      sender: senders.get(r.id) ?? null,
      body: r.body,
      subject: attrOf(attrs, r.kind === 'sms' ? 'subject' : 'sub'),
      parts: parts.get(r.id) ?? [],
    };
  });
}

/** Longer texts are cut here in a list (a conversation's snippet, a timeline row). */
const PREVIEW_CHARS = 200;

/**
 * What a list shows for each message: its text (cut at PREVIEW_CHARS), or for an MMS without text
 * what kind of media it carried (Picture, Video, Audio, Attachment, MMS); '' for an empty SMS.
 */
export async function previewsOf(vault: Vault, rows: readonly Pick<MessageRow, 'id' | 'kind' | 'body'>[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const bare: number[] = [];
  for (const r of rows) {
    if (r.body !== null && r.body !== '') out.set(r.id, r.body.length > PREVIEW_CHARS ? `${r.body.slice(0, PREVIEW_CHARS)}…` : r.body);
    else if (r.kind === 'sms') out.set(r.id, '');
    else bare.push(r.id);
  }
  if (bare.length === 0) return out;
  const parts = await vault.db
    .selectFrom('mms_parts')
    .select(['message_id', 'content_type'])
    .where('message_id', 'in', bare)
    .where('blob_sha256', 'is not', null)
    .orderBy('message_id')
    .orderBy('position')
    .execute();
  for (const p of parts) {
    if (out.has(p.message_id)) continue;
    const kind = partKind(p.content_type ?? '');
    out.set(p.message_id, kind === 'image' ? 'Picture' : kind === 'video' ? 'Video' : kind === 'audio' ? 'Audio' : 'Attachment');
  }
  for (const id of bare) if (!out.has(id)) out.set(id, 'MMS');
  return out;
}

/** A listed item's MessagePlace: its message's conversation (title from the summaries), date, direction and sender. */
export function placeOf(
  message: { id: number; conversation_id: number; date_ms: number; direction: string },
  titles: ReadonlyMap<number, { title: string }>,
  senders: ReadonlyMap<number, Person | null>,
): MessagePlace {
  return {
    messageId: message.id,
    conversationId: message.conversation_id,
    conversationTitle: titles.get(message.conversation_id)?.title ?? '',
    date: message.date_ms,
    direction: directionOf(message.direction),
    sender: senders.get(message.id) ?? null,
  };
}

export function directionOf(d: string): 'in' | 'out' | 'unknown' {
  return d === 'in' || d === 'out' ? d : 'unknown';
}
