/**
 * One conversation's messages, a page at a time, in date order. Every page is one seek on the
 * (conversation_id, date_ms) index plus a walk of at most `limit` entries, so page 1 and page
 * 500 of a 100,000-message thread cost the same.
 */
import { sql } from 'kysely';
import type { Vault } from '../vault.js';
import { getConversation } from './conversations.js';
import { clampLimit, decodePosition, encodePosition, type Position } from './cursor.js';
import { MESSAGE_COLUMNS, viewMessages, type MessageRow, type MessageView } from './message-view.js';

export const DEFAULT_THREAD_LIMIT = 200;

export interface ThreadPage {
  items: MessageView[];
  /** Loads older messages (pass as `before`). */
  prevCursor: string | null;
  /** Loads newer messages (pass as `after`). */
  nextCursor: string | null;
}

export type ThreadPosition =
  | { kind: 'newest' }
  | { kind: 'before'; cursor: string }
  | { kind: 'after'; cursor: string }
  | { kind: 'around'; messageId: number }
  | { kind: 'date'; ms: number };

export class MessageNotFoundError extends Error {
  override readonly name = 'MessageNotFoundError';
  constructor(readonly id: number) {
    super(`there is no message ${id} in this conversation`);
  }
}

type Direction = 'older' | 'newer';

/** Up to `n` rows strictly older/newer than `from` (or from either end when undefined), in date order. */
async function walk(vault: Vault, conversationId: number, dir: Direction, n: number, from: Position | undefined, inclusive = false): Promise<MessageRow[]> {
  let q = vault.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('conversation_id', '=', conversationId);
  if (from !== undefined) {
    const op = dir === 'older' ? (inclusive ? sql`<=` : sql`<`) : inclusive ? sql`>=` : sql`>`;
    q = q.where(sql<boolean>`(date_ms, id) ${op} (${from.date}, ${from.id})`);
  }
  const order = dir === 'older' ? 'desc' : 'asc';
  const rows = (await q.orderBy('date_ms', order).orderBy('id', order).limit(n).execute()) as MessageRow[];
  return dir === 'older' ? rows.reverse() : rows;
}

const positionOf = (r: MessageRow): Position => ({ date: r.date_ms, id: r.id });

export async function threadPage(vault: Vault, conversationId: number, at: ThreadPosition, options: { limit?: number } = {}): Promise<ThreadPage> {
  const conversation = await getConversation(vault, conversationId);
  const limit = clampLimit(options.limit, DEFAULT_THREAD_LIMIT);
  let older: MessageRow[] = [];
  let newer: MessageRow[] = [];
  let moreOlder: boolean;
  let moreNewer = false;

  if (at.kind === 'newest' || at.kind === 'before') {
    const from = at.kind === 'before' ? decodePosition(at.cursor) : undefined;
    older = await walk(vault, conversationId, 'older', limit + 1, from);
    moreOlder = older.length > limit;
    if (moreOlder) older = older.slice(1);
    // Coming back from a newer page: there is something newer by construction.
    moreNewer = from !== undefined;
  } else if (at.kind === 'after') {
    const from = decodePosition(at.cursor);
    newer = await walk(vault, conversationId, 'newer', limit + 1, from);
    moreNewer = newer.length > limit;
    if (moreNewer) newer = newer.slice(0, limit);
    moreOlder = true;
  } else {
    const anchor = await anchorOf(vault, conversationId, at);
    if (anchor !== undefined) {
      // The anchor opens the newer half, so it sits in the page's middle.
      const half = Math.floor(limit / 2);
      newer = await walk(vault, conversationId, 'newer', limit - half + 1, anchor, true);
      moreNewer = newer.length > limit - half;
      if (moreNewer) newer = newer.slice(0, limit - half);
      older = await walk(vault, conversationId, 'older', limit - newer.length + 1, anchor);
      moreOlder = older.length > limit - newer.length;
      if (moreOlder) older = older.slice(1);
    } else {
      // A date after the newest message: show the newest page.
      older = await walk(vault, conversationId, 'older', limit + 1, undefined);
      moreOlder = older.length > limit;
      if (moreOlder) older = older.slice(1);
    }
  }
  const rows = [...older, ...newer];
  const first = rows[0];
  const last = rows.at(-1);
  return {
    items: await viewMessages(vault, rows, conversation.members),
    prevCursor: moreOlder && first !== undefined ? encodePosition(positionOf(first)) : null,
    nextCursor: moreNewer && last !== undefined ? encodePosition(positionOf(last)) : null,
  };
}

async function anchorOf(vault: Vault, conversationId: number, at: { kind: 'around'; messageId: number } | { kind: 'date'; ms: number }): Promise<Position | undefined> {
  if (at.kind === 'around') {
    const m = await vault.db
      .selectFrom('messages')
      .select(['id', 'date_ms'])
      .where('id', '=', at.messageId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (m === undefined) throw new MessageNotFoundError(at.messageId);
    return { date: m.date_ms, id: m.id };
  }
  const m = await vault.db
    .selectFrom('messages')
    .select(['id', 'date_ms'])
    .where('conversation_id', '=', conversationId)
    .where('date_ms', '>=', at.ms)
    .orderBy('date_ms')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return m === undefined ? undefined : { date: m.date_ms, id: m.id };
}
