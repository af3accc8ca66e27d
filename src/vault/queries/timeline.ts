/**
 * The timeline: every message and call of the archive in one date order, a page at a time, growing
 * both ways from the newest entry, a cursor or a date ("what happened on that day").
 *
 * Messages and calls live in two tables, each walked on its own date index (messages_date,
 * calls_date; for one person, messages_conversation_date once per conversation (keys only, then
 * the rows kept are read by id) and calls_number once per number) for at most `limit + 1` rows; the
 * walks are merged here. A page is therefore a few index seeks however
 * large the archive and however deep the reader has scrolled. Entries are ordered by (date,
 * messages before calls, id), so equal times keep one stable order across pages.
 */
import type { Vault } from '../vault.js';
import { addressesFor, viewCalls, walkCalls, type CallRow, type CallView } from './calls.js';
import { conversationsWith, conversationSummaries } from './conversations.js';
import { BadCursorError, clampLimit, decodeCursor, encodeCursor, pageStart, twoWayPage, type OpenAt, type Position, type WalkDirection } from './cursor.js';
import { directionOf, previewsOf, sendersOf, type MessageRow } from './message-view.js';
import type { Person } from './names.js';
import { messageKeyWalker, messagesById, walkMessages, type MessageScope } from './thread.js';

export const DEFAULT_TIMELINE_LIMIT = 100;

export const TIMELINE_KINDS = ['sms', 'mms', 'call'] as const;
/** Incoming and outgoing messages and calls; missed calls (a message is never missed). */
export const TIMELINE_DIRECTIONS = ['incoming', 'outgoing', 'missed'] as const;

export interface TimelineFilter {
  /** A number in any format or a part of a name: messages of conversations with that person, calls with that number. */
  contact?: string;
  kind?: (typeof TIMELINE_KINDS)[number];
  direction?: (typeof TIMELINE_DIRECTIONS)[number];
  limit?: number;
}

/** Where a page opens; `date` puts the first entry at or after that time in the page's middle ((date, MESSAGE, 0) sorts before all of it). */
export type TimelinePosition = OpenAt;

export interface TimelineMessage {
  kind: 'sms' | 'mms';
  id: number;
  date: number;
  conversationId: number;
  conversationTitle: string;
  direction: 'in' | 'out' | 'unknown';
  sender: Person | null;
  /** The text (cut at 200 characters), or what an MMS without text carried (Picture, Video...). */
  text: string;
}

export interface TimelineCall extends Omit<CallView, 'type'> {
  kind: 'call';
  callType: CallView['type'];
  /** The 1:1 conversation with this number, if there is one. */
  conversationId: number | null;
}

export type TimelineEntry = TimelineMessage | TimelineCall;

export interface TimelinePage {
  /** Oldest first. */
  items: TimelineEntry[];
  /** Loads older entries (pass as `before`). */
  prevCursor: string | null;
  /** Loads newer entries (pass as `after`). */
  nextCursor: string | null;
}

/** Messages sort before calls of the same millisecond. */
const MESSAGE = 0;
const CALL = 1;

/** A place in the merged order: (date, MESSAGE or CALL, id). */
interface Place {
  date: number;
  source: typeof MESSAGE | typeof CALL;
  id: number;
}

type Row = { source: typeof MESSAGE; row: MessageRow } | { source: typeof CALL; row: CallRow };

const placeOf = (r: Row): Place => ({ date: r.row.date_ms, source: r.source, id: r.row.id });
const compare = (a: Place, b: Place): number => a.date - b.date || a.source - b.source || a.id - b.id;

function encodePlace(p: Place): string {
  return encodeCursor([p.date, p.source, p.id]);
}

function decodePlace(cursor: string): Place {
  const [date, source, id] = decodeCursor(cursor, 3);
  if (date === undefined || id === undefined || (source !== MESSAGE && source !== CALL)) throw new BadCursorError();
  return { date, source, id };
}

/**
 * A place as one table's (date, id) bound. Ids start at 1: past a call at date d, every message of
 * d is older (d, MAX) and every call of d newer only by id; past a message, calls of d are all newer (d, 0).
 */
function boundIn(source: Place['source'], p: Place | undefined): Position | undefined {
  if (p === undefined) return undefined;
  return { date: p.date, id: p.source === source ? p.id : source === MESSAGE ? Number.MAX_SAFE_INTEGER : 0 };
}

interface Scope {
  /** Absent: the whole archive; else these conversations' messages only. */
  conversations?: number[];
  messages: Omit<MessageScope, 'conversationId'> | null;
  calls: { numbers?: string[]; type?: 'incoming' | 'outgoing' | 'missed' } | null;
}

async function scopeOf(vault: Vault, filter: TimelineFilter): Promise<Scope> {
  const direction = filter.direction;
  const scope: Scope = {
    messages: filter.kind === 'call' || direction === 'missed' ? null : { kind: filter.kind, direction: direction === undefined ? undefined : direction === 'incoming' ? 'in' : 'out' },
    calls: filter.kind === 'sms' || filter.kind === 'mms' ? null : { type: direction },
  };
  if (filter.contact !== undefined && filter.contact.trim() !== '') {
    const numbers = await addressesFor(vault, filter.contact);
    const conversations = new Set<number>();
    for (const n of numbers) for (const id of await conversationsWith(vault, n)) conversations.add(id);
    scope.conversations = [...conversations];
    if (scope.calls !== null) scope.calls.numbers = numbers;
  }
  return scope;
}

/** Up to `n` entries strictly older/newer than `from`, oldest first: each table's walk, merged. */
async function walk(vault: Vault, scope: Scope, dir: WalkDirection, n: number, from: Place | undefined): Promise<Row[]> {
  const rows: Row[] = [];
  const messages = scope.messages;
  if (messages !== null) {
    const at = boundIn(MESSAGE, from);
    if (scope.conversations === undefined) {
      for (const row of await walkMessages(vault, messages, dir, n, at)) rows.push({ source: MESSAGE, row });
    } else {
      // A person can be in hundreds of group conversations: walk each one's keys on the index, then read the n rows kept.
      const walkIn = messageKeyWalker(vault, messages, dir, n, at);
      const keys = scope.conversations.flatMap(walkIn);
      keys.sort((a, b) => a.date - b.date || a.id - b.id);
      const kept = dir === 'older' ? keys.slice(Math.max(0, keys.length - n)) : keys.slice(0, n);
      for (const row of await messagesById(vault, kept.map((k) => k.id))) rows.push({ source: MESSAGE, row });
    }
  }
  const calls = scope.calls;
  if (calls !== null) {
    const at = boundIn(CALL, from);
    // One walk per number, each on calls_number in date order; several numbers in one IN would sort all their calls.
    const walks = calls.numbers === undefined ? [calls] : calls.numbers.map((number) => ({ ...calls, numbers: [number] }));
    for (const s of walks) for (const row of await walkCalls(vault, s, dir, n, at)) rows.push({ source: CALL, row });
  }
  rows.sort((a, b) => compare(placeOf(a), placeOf(b)));
  return dir === 'older' ? rows.slice(Math.max(0, rows.length - n)) : rows.slice(0, n);
}

export async function timelinePage(vault: Vault, at: TimelinePosition, filter: TimelineFilter = {}): Promise<TimelinePage> {
  const limit = clampLimit(filter.limit, DEFAULT_TIMELINE_LIMIT);
  const scope = await scopeOf(vault, filter);
  const { rows, moreOlder, moreNewer } = await twoWayPage<Row, Place>((dir, n, from) => walk(vault, scope, dir, n, from), pageStart(at, decodePlace, (ms) => ({ date: ms, source: MESSAGE, id: 0 })), limit);
  const first = rows[0];
  const last = rows.at(-1);
  return {
    items: await viewEntries(vault, rows),
    prevCursor: moreOlder && first !== undefined ? encodePlace(placeOf(first)) : null,
    nextCursor: moreNewer && last !== undefined ? encodePlace(placeOf(last)) : null,
  };
}

async function viewEntries(vault: Vault, rows: readonly Row[]): Promise<TimelineEntry[]> {
  const messageRows = rows.flatMap((r) => (r.source === MESSAGE ? [r.row] : []));
  const callRows = rows.flatMap((r) => (r.source === CALL ? [r.row] : []));
  const { byId } = await conversationSummaries(vault);
  const senders = await sendersOf(vault, messageRows, (id) => byId.get(id)?.members ?? []);
  const previews = await previewsOf(vault, messageRows);
  const calls = new Map((await viewCalls(vault, callRows)).map((c) => [c.id, c]));
  const oneToOne = new Map<string, number | null>();
  for (const r of callRows) {
    if (oneToOne.has(r.number_norm)) continue;
    const ids = await conversationsWith(vault, r.number_norm);
    oneToOne.set(r.number_norm, ids.find((id) => byId.get(id)?.isGroup === false) ?? null);
  }
  return rows.flatMap((r): TimelineEntry[] => {
    if (r.source === MESSAGE) {
      const m = r.row;
      return [
        {
          kind: m.kind,
          id: m.id,
          date: m.date_ms,
          conversationId: m.conversation_id,
          conversationTitle: byId.get(m.conversation_id)?.title ?? '',
          direction: directionOf(m.direction),
          sender: senders.get(m.id) ?? null,
          text: previews.get(m.id) ?? '',
        },
      ];
    }
    const call = calls.get(r.row.id);
    if (call === undefined) return [];
    const { type, ...rest } = call;
    return [{ kind: 'call', ...rest, callType: type, conversationId: oneToOne.get(r.row.number_norm) ?? null }];
  });
}
