/**
 * What the human-facing exports (HTML, PDF, CSV) show of a message or call: already resolved by
 * the vault (names, direction, conversation), so the writers stay pure functions of these values.
 * The lossless record model (records.ts) is what NDJSON and SBR write instead.
 */

export interface PersonView {
  /** Normalised address (number or e-mail), '' when unknown. */
  address: string;
  /** The contact's name when the archive knows it. */
  name: string | null;
}

export interface AttachmentView {
  /** The part's original file name (`name`, `cl` or `fn`), as the backup gave it; display only. */
  name: string;
  contentType: string;
  /** SHA-256 of the stored bytes; absent when the backup's data was empty or damaged. */
  sha256?: string;
  size?: number;
}

export interface ConversationView {
  id: number;
  members: PersonView[];
  isGroup: boolean;
  /** Messages of the selection in this conversation. */
  messages: number;
  firstMs: number;
  lastMs: number;
}

export interface MessageView {
  conversationId: number;
  kind: 'sms' | 'mms';
  dateMs: number;
  direction: 'in' | 'out' | 'unknown';
  /** Who wrote it: `me` for sent messages, the other party (or the group member) otherwise. */
  sender: PersonView | 'me';
  /** Who received it; `me` is listed for incoming messages. */
  recipients: (PersonView | 'me')[];
  text: string;
  attachments: AttachmentView[];
}

export type CallType = 'incoming' | 'outgoing' | 'missed' | 'voicemail' | 'rejected' | 'blocked' | 'unknown';

export interface CallView {
  dateMs: number;
  person: PersonView;
  type: CallType;
  /** Seconds; null when the backup did not say. */
  durationS: number | null;
}

/** How a person is shown: "Name (number)", the number alone, or "Me". */
export function personLabel(p: PersonView | 'me'): string {
  if (p === 'me') return 'Me';
  if (p.name !== null && p.name !== '') return p.address === '' ? p.name : `${p.name} (${p.address})`;
  return p.address === '' ? 'Unknown' : p.address;
}

/** A conversation's title: its members' names or numbers. */
export function conversationTitle(c: ConversationView): string {
  if (c.members.length === 0) return 'Unknown';
  return c.members.map((m) => (m.name !== null && m.name !== '' ? m.name : m.address || 'Unknown')).join(', ');
}
