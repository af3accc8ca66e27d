/**
 * One conversation's messages, a page at a time, in date order. Every page is one seek on the
 * (conversation_id, date_ms) index plus a walk of at most `limit` entries, so page 1 and page
 * 500 of a 100,000-message thread cost the same.
 */
import { sql } from 'kysely';
import { param, prepare } from '../../store/prepared.js';
import type { Vault } from '../vault.js';
import { getConversation } from './conversations.js';
import { clampLimit, decodePosition, encodePosition, pageStart, twoWayPage, type OpenAt, type PageStart, type Position, type Walk, type WalkDirection } from './cursor.js';
import { MESSAGE_COLUMNS, viewMessages, type MessageRow, type MessageView } from './message-view.js';

export const DEFAULT_THREAD_LIMIT = 200;

export interface ThreadPage {
  items: MessageView[];
  /** Loads older messages (pass as `before`). */
  prevCursor: string | null;
  /** Loads newer messages (pass as `after`). */
  nextCursor: string | null;
}

export type ThreadPosition = OpenAt | { kind: 'around'; messageId: number };

export class MessageNotFoundError extends Error {
  override readonly name = 'MessageNotFoundError';
  constructor(readonly id: number) {
    super(`there is no message ${id} in this conversation`);
  }
}

/** Which messages a walk visits: one conversation's, or the whole archive's, of one kind or direction. */
export interface MessageScope {
  conversationId?: number;
  kind?: 'sms' | 'mms';
  direction?: 'in' | 'out';
}

/** The walk's query, without its columns: at most `n` rows from `from` on, nearest first. */
function walkQuery(vault: Vault, scope: MessageScope, dir: WalkDirection, n: number, from: Position | undefined, inclusive: boolean) {
  let q = vault.db.selectFrom('messages');
  if (scope.conversationId !== undefined) q = q.where('conversation_id', '=', scope.conversationId);
  if (scope.kind !== undefined) q = q.where('kind', '=', scope.kind);
  if (scope.direction !== undefined) q = q.where('direction', '=', scope.direction);
  if (from !== undefined) {
    const op = dir === 'older' ? (inclusive ? sql`<=` : sql`<`) : inclusive ? sql`>=` : sql`>`;
    q = q.where(sql<boolean>`(date_ms, id) ${op} (${from.date}, ${from.id})`);
  }
  const order = dir === 'older' ? 'desc' : 'asc';
  return q.orderBy('date_ms', order).orderBy('id', order).limit(n);
}

/**
 * Up to `n` messages strictly older/newer than `from` (or from either end when undefined), in date
 * order: one seek on (conversation_id, date_ms) for a conversation, on (date_ms) for the archive.
 */
export async function walkMessages(vault: Vault, scope: MessageScope, dir: WalkDirection, n: number, from: Position | undefined, inclusive = false): Promise<MessageRow[]> {
  const rows = (await walkQuery(vault, scope, dir, n, from, inclusive).select(MESSAGE_COLUMNS).execute()) as MessageRow[];
  return dir === 'older' ? rows.reverse() : rows;
}

/**
 * The same walk in many conversations, reading only (date, id), which the index holds: one
 * statement prepared for all of them and run once per conversation, so walking the hundreds of
 * group conversations one person can be in costs a few milliseconds.
 */
export function messageKeyWalker(vault: Vault, scope: Omit<MessageScope, 'conversationId'>, dir: WalkDirection, n: number, from: Position | undefined): (conversationId: number) => Position[] {
  const query = walkQuery(vault, { ...scope, conversationId: param<number>('conversation') }, dir, n, from, false).select(['date_ms', 'id']);
  const statement = prepare<{ date_ms: number; id: number }>(vault.store.sqlite, query);
  return (conversationId) => {
    const keys = statement.all({ conversation: conversationId }).map((r) => ({ date: r.date_ms, id: r.id }));
    return dir === 'older' ? keys.reverse() : keys;
  };
}

/** Messages by id, in no particular order. */
export async function messagesById(vault: Vault, ids: readonly number[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return vault.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('id', 'in', ids).execute();
}

const positionOf = (r: MessageRow): Position => ({ date: r.date_ms, id: r.id });

export async function threadPage(vault: Vault, conversationId: number, at: ThreadPosition, options: { limit?: number } = {}): Promise<ThreadPage> {
  const conversation = await getConversation(vault, conversationId);
  const limit = clampLimit(options.limit, DEFAULT_THREAD_LIMIT);
  const walk: Walk<MessageRow, Position> = (dir, n, from, inclusive) => walkMessages(vault, { conversationId }, dir, n, from, inclusive);
  const { rows, moreOlder, moreNewer } = await twoWayPage(walk, await startOf(vault, conversationId, at), limit);
  const first = rows[0];
  const last = rows.at(-1);
  return {
    items: await viewMessages(vault, rows, conversation.members),
    prevCursor: moreOlder && first !== undefined ? encodePosition(positionOf(first)) : null,
    nextCursor: moreNewer && last !== undefined ? encodePosition(positionOf(last)) : null,
  };
}

async function startOf(vault: Vault, conversationId: number, at: ThreadPosition): Promise<PageStart<Position>> {
  if (at.kind === 'around') return { kind: 'around', anchor: await anchorOf(vault, conversationId, at.messageId), inclusive: true };
  // Ids start at 1, so (date, 0) sorts just before every message of that date.
  return pageStart(at, decodePosition, (ms) => ({ date: ms, id: 0 }));
}

async function anchorOf(vault: Vault, conversationId: number, messageId: number): Promise<Position> {
  const m = await vault.db
    .selectFrom('messages')
    .select(['id', 'date_ms'])
    .where('id', '=', messageId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (m === undefined) throw new MessageNotFoundError(messageId);
  return { date: m.date_ms, id: m.id };
}
