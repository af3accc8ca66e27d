/**
 * The conversation list: every thread with its people, newest activity first.
 *
 * Counts, unread and last date come from one pass over the messages (archive-pass.ts), cached
 * until the next import, so a page is a slice of a sorted array plus one index seek per
 * row for its snippet, however many messages the archive holds.
 */
import type { Vault } from '../vault.js';
import { archivePass } from './archive-pass.js';
import { previewsOf } from './message-view.js';
import { clampLimit, decodePosition, encodePosition, type Page } from './cursor.js';
import { sharedNames, titleOf, type Person } from './names.js';
import { cached } from './snapshot.js';

export interface ConversationSummary {
  id: number;
  title: string;
  members: Person[];
  isGroup: boolean;
  firstDate: number | null;
  lastDate: number | null;
  messageCount: number;
  unread: number;
}

export interface ConversationListItem extends Omit<ConversationSummary, 'firstDate'> {
  snippet: string | null;
}

export class ConversationNotFoundError extends Error {
  override readonly name = 'ConversationNotFoundError';
  constructor(readonly id: number) {
    super(`there is no conversation ${id}`);
  }
}

export interface Summaries {
  /** Newest activity first. */
  sorted: ConversationSummary[];
  byId: Map<number, ConversationSummary>;
  /** Names and numbers of each conversation, folded for the filter box. */
  folded: Map<number, { text: string; digits: string }>;
  /** Snippets worked out so far (they change only with an import, like the rest of this). */
  snippets: Map<number, string | null>;
}

async function computeSummaries(vault: Vault): Promise<Summaries> {
  const db = vault.db;
  const conversations = await db.selectFrom('conversations').select(['id', 'is_group']).execute();
  const counts = (await archivePass(vault)).conversations;
  const members = await db
    .selectFrom('conversation_members')
    .leftJoin('contacts', 'contacts.address_norm', 'conversation_members.address_norm')
    .select(['conversation_members.conversation_id as id', 'conversation_members.address_norm as address', 'contacts.name as name'])
    .orderBy('conversation_members.conversation_id')
    .orderBy('conversation_members.position')
    .execute();
  const membersOf = new Map<number, Person[]>();
  for (const m of members) {
    const list = membersOf.get(m.id) ?? [];
    list.push({ address: m.address, name: m.name });
    membersOf.set(m.id, list);
  }
  const shared = await sharedNames(vault);
  const sorted: ConversationSummary[] = [];
  for (const c of conversations) {
    const n = counts.get(c.id);
    // A conversation whose messages were all replaced into another one has nothing to show.
    if (n === undefined) continue;
    const people = membersOf.get(c.id) ?? [];
    sorted.push({
      id: c.id,
      title: titleOf(people, shared),
      members: people,
      isGroup: c.is_group === 1,
      firstDate: n.first,
      lastDate: n.last,
      messageCount: n.n,
      unread: n.unread,
    });
  }
  sorted.sort((a, b) => (b.lastDate ?? 0) - (a.lastDate ?? 0) || b.id - a.id);
  const folded = new Map(
    sorted.map((c) => [
      c.id,
      {
        text: c.members.map((m) => `${fold(m.name ?? '')}\u0000${fold(m.address)}`).join('\u0000'),
        digits: c.members.map((m) => m.address.replace(/\D/g, '')).join('\u0000'),
      },
    ]),
  );
  return { sorted, byId: new Map(sorted.map((s) => [s.id, s])), folded, snippets: new Map() };
}

export function conversationSummaries(vault: Vault): Promise<Summaries> {
  return cached(vault, 'conversation-summaries', () => computeSummaries(vault));
}

/** Lower-cased, accents removed, so "Zoe" finds "Zoë". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A filter that matches a conversation by any member's name or number. */
function matcher(summaries: Summaries, q: string): (c: ConversationSummary) => boolean {
  const folded = fold(q.trim());
  if (folded === '') return () => true;
  const digits = q.replace(/\D/g, '');
  return (c) => {
    const f = summaries.folded.get(c.id);
    return f !== undefined && (f.text.includes(folded) || (digits.length >= 3 && f.digits.includes(digits)));
  };
}

/** What to show under a title: the newest message's text, or what kind of media it carried. */
async function snippetOf(vault: Vault, conversationId: number): Promise<string | null> {
  const last = await vault.db
    .selectFrom('messages')
    .select(['id', 'kind', 'body'])
    .where('conversation_id', '=', conversationId)
    .orderBy('date_ms', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last === undefined) return null;
  return (await previewsOf(vault, [last])).get(last.id) ?? null;
}

export async function listConversations(vault: Vault, options: { q?: string; limit?: number; cursor?: string } = {}): Promise<Page<ConversationListItem>> {
  const limit = clampLimit(options.limit);
  const summaries = await conversationSummaries(vault);
  const { sorted } = summaries;
  let start = 0;
  if (options.cursor !== undefined) {
    const after = decodePosition(options.cursor);
    start = sorted.findIndex((c) => (c.lastDate ?? 0) < after.date || ((c.lastDate ?? 0) === after.date && c.id < after.id));
    if (start < 0) start = sorted.length;
  }
  const matches = matcher(summaries, options.q ?? '');
  const page: ConversationSummary[] = [];
  let i = start;
  for (; i < sorted.length && page.length < limit; i++) {
    const c = sorted[i];
    if (c !== undefined && matches(c)) page.push(c);
  }
  let more = false;
  for (; i < sorted.length && !more; i++) {
    const c = sorted[i];
    more = c !== undefined && matches(c);
  }
  const items: ConversationListItem[] = [];
  for (const c of page) {
    const { firstDate: _firstDate, ...rest } = c;
    let snippet = summaries.snippets.get(c.id);
    if (snippet === undefined) {
      snippet = await snippetOf(vault, c.id);
      summaries.snippets.set(c.id, snippet);
    }
    items.push({ ...rest, snippet });
  }
  const last = page.at(-1);
  return { items, nextCursor: more && last !== undefined ? encodePosition({ date: last.lastDate ?? 0, id: last.id }) : null };
}

export async function getConversation(vault: Vault, id: number): Promise<ConversationSummary> {
  const c = (await conversationSummaries(vault)).byId.get(id);
  if (c === undefined) throw new ConversationNotFoundError(id);
  return c;
}

/** Every conversation id a person (normalised address) is a member of. */
export async function conversationsWith(vault: Vault, address: string): Promise<number[]> {
  const rows = await vault.db.selectFrom('conversation_members').select('conversation_id').where('address_norm', '=', address).execute();
  return rows.map((r) => r.conversation_id);
}
