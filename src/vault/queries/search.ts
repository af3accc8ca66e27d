/**
 * Full-text search over message bodies and MMS text, through the FTS5 index (any script: accents
 * folded, Cyrillic, CJK by characters; see store/search-text.ts), with filters.
 *
 * Results come most recently archived first: the index is walked in rowid order and stops as soon
 * as a page is full, so a common word costs no more than a rare one. A date order would have to
 * sort every match first.
 */
import { sql } from 'kysely';
import { ftsQuery } from '../../store/search-index.js';
import type { Vault } from '../vault.js';
import { addressesFor } from './calls.js';
import { conversationSummaries } from './conversations.js';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './cursor.js';
import { placeOf, sendersOf, type MessagePlace } from './message-view.js';
import { snippet } from './snippet.js';

export interface SearchFilter {
  q: string;
  /** A number or part of a name: only conversations with that person. */
  contact?: string;
  from?: number;
  to?: number;
  /** Calls have no text, so `call` finds nothing (the call log has its own filters). */
  kind?: 'sms' | 'mms' | 'call';
  direction?: 'in' | 'out';
  limit?: number;
  cursor?: string;
}

export interface SearchHit extends MessagePlace {
  snippet: string;
}

// A type alias (not an interface) so it satisfies Kysely's table-record constraint.
type FtsTable = {
  message_fts: { rowid: number; text: string; message_fts: string };
};

/** The count stops here: "1,000+" is as useful to a reader as an exact figure and costs a bounded walk. */
export const SEARCH_COUNT_CAP = 1000;

export interface SearchPage extends Page<SearchHit> {
  /** Matches of the whole search (not this page), counted up to SEARCH_COUNT_CAP + 1. */
  total: number;
  /** True when there are more than SEARCH_COUNT_CAP matches and `total` stopped counting. */
  totalIsLowerBound: boolean;
}

const NOTHING: SearchPage = { items: [], nextCursor: null, total: 0, totalIsLowerBound: false };

export async function search(vault: Vault, filter: SearchFilter): Promise<SearchPage> {
  const limit = clampLimit(filter.limit);
  const match = ftsQuery(filter.q);
  if (match === '' || filter.kind === 'call') return NOTHING;
  let q = vault.db
    .withTables<FtsTable>()
    .selectFrom('message_fts')
    .innerJoin('messages', 'messages.id', 'message_fts.rowid')
    .select(['messages.id', 'messages.conversation_id', 'messages.kind', 'messages.date_ms', 'messages.direction', 'messages.body'])
    .where(sql<boolean>`message_fts MATCH ${match}`);
  if (filter.contact !== undefined && filter.contact.trim() !== '') {
    const addresses = await addressesFor(vault, filter.contact);
    if (addresses.length === 0) return NOTHING;
    q = q.where('messages.conversation_id', 'in', (eb) =>
      eb.selectFrom('conversation_members').select('conversation_members.conversation_id').where('conversation_members.address_norm', 'in', addresses),
    );
  }
  if (filter.from !== undefined) q = q.where('messages.date_ms', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('messages.date_ms', '<', filter.to);
  if (filter.kind !== undefined) q = q.where('messages.kind', '=', filter.kind);
  if (filter.direction !== undefined) q = q.where('messages.direction', '=', filter.direction);
  // Counted over the whole search, not from the cursor on, through a LIMIT subquery so a word in
  // every message costs at most SEARCH_COUNT_CAP + 1 index rows.
  const counted = await vault.db
    .selectFrom(q.limit(SEARCH_COUNT_CAP + 1).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const total = counted?.n ?? 0;
  if (filter.cursor !== undefined) {
    const [before] = decodeCursor(filter.cursor, 1);
    q = q.where('message_fts.rowid', '<', before ?? 0);
  }
  const rows = await q.orderBy('message_fts.rowid', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const { byId } = await conversationSummaries(vault);
  const senders = await sendersOf(vault, page, (id) => byId.get(id)?.members ?? []);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...placeOf(r, byId, senders), snippet: snippet(r.body ?? '', filter.q) })),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null,
    total: Math.min(total, SEARCH_COUNT_CAP),
    totalIsLowerBound: total > SEARCH_COUNT_CAP,
  };
}
