/**
 * The gallery (issue 25): every stored attachment of the archive, of one conversation or of one
 * person's conversations, oldest first, a page at a time growing both ways like the timeline, and
 * how many each month holds.
 *
 * A page walks the gallery's own index (gallery_items, migration 0019: one row per listed part,
 * with its message's date, conversation and kind), never the messages: one seek on (date), (kind,
 * date), (conversation, date) or (conversation, kind, date) for at most `limit + 1` keys, then the
 * kept parts are read by id. For a person, each of their conversations is walked the same way and
 * the walks merged (as the timeline does). Items are ordered by (message date, part id).
 */
import { sql, type Compilable, type SelectQueryBuilder } from 'kysely';
import type { Schema } from '../../store/schema.js';
import { param, prepare, type Prepared } from '../../store/prepared.js';
import type { Vault } from '../vault.js';
import { addressesFor } from './calls.js';
import { conversationsWith, conversationSummaries } from './conversations.js';
import { BadCursorError, clampLimit, decodeCursor, encodeCursor, pageStart, twoWayPage, type OpenAt, type Position, type WalkDirection } from './cursor.js';
import { partName, placeOf, sendersOf, type MessagePlace } from './message-view.js';
import { cached } from './snapshot.js';

export const DEFAULT_GALLERY_LIMIT = 100;

/** What the gallery lists: message-view's part kinds but text (text and SMIL parts are never listed). */
export const GALLERY_KINDS = ['image', 'video', 'audio', 'vcard', 'other'] as const;
export type GalleryKind = (typeof GALLERY_KINDS)[number];

export interface GalleryFilter {
  conversation?: number;
  kind?: GalleryKind;
  /** A number in any format or a part of a name: the media of conversations with that person. */
  contact?: string;
  limit?: number;
}

export interface GalleryItem extends MessagePlace {
  id: number;
  url: string;
  kind: GalleryKind;
  contentType: string;
  name: string | null;
  size: number;
}

export interface GalleryPage {
  /** Oldest first. */
  items: GalleryItem[];
  /** Loads older items (pass as `before`). */
  prevCursor: string | null;
  /** Loads newer items (pass as `after`). */
  nextCursor: string | null;
}

export interface GalleryMonth {
  /** "YYYY-MM" in the server's time zone. */
  month: string;
  count: number;
  /** The month's first millisecond (server time zone): a page's `date` to jump there. */
  start: number;
}

export interface GalleryMonths {
  /** Newest month first; months without items are left out. */
  items: GalleryMonth[];
  total: number;
}

/** Which rows of gallery_items a filter means: `conversations` absent is the whole archive. */
interface Scope {
  conversations?: number[];
  kind?: GalleryKind;
}

async function scopeOf(vault: Vault, filter: GalleryFilter): Promise<Scope> {
  const scope: Scope = filter.kind === undefined ? {} : { kind: filter.kind };
  let conversations: number[] | undefined = filter.conversation === undefined ? undefined : [filter.conversation];
  if (filter.contact !== undefined && filter.contact.trim() !== '') {
    const ids = new Set<number>();
    for (const n of await addressesFor(vault, filter.contact)) for (const id of await conversationsWith(vault, n)) ids.add(id);
    conversations = conversations === undefined ? [...ids] : conversations.filter((id) => ids.has(id));
  }
  if (conversations !== undefined) scope.conversations = conversations;
  return scope;
}

const encodePlace = (p: Position): string => encodeCursor([p.date, p.id]);

function decodePlace(cursor: string): Position {
  const [date, id] = decodeCursor(cursor, 2);
  if (date === undefined || id === undefined) throw new BadCursorError();
  return { date, id };
}

/**
 * The walks and the month seeks, compiled and prepared once per vault (store/prepared.ts, as
 * thread.ts walks a person's conversations): a person's page runs one walk per conversation they
 * are in, and a month count two seeks per month; through Kysely's executor each would be built and
 * prepared again.
 */
const statements = new WeakMap<Vault, Map<string, Prepared<unknown>>>();

function statement<Row>(vault: Vault, key: string, build: () => Compilable): Prepared<Row> {
  let map = statements.get(vault);
  if (map === undefined) {
    map = new Map();
    statements.set(vault, map);
  }
  let s = map.get(key);
  if (s === undefined) {
    s = prepare(vault.store.sqlite, build());
    map.set(key, s);
  }
  return s as Prepared<Row>;
}

/**
 * At most `:n` keys from (`:date`, `:id`) on, nearest first, in `:conversation` when `conversation`,
 * of `:kind` when `kind`: one seek on the index that leads with the filtered columns.
 */
function walkStatement(vault: Vault, conversation: boolean, kind: boolean, dir: WalkDirection, from: 'none' | 'exclusive' | 'inclusive') {
  return statement<{ date_ms: number; part_id: number }>(vault, `walk:${String(conversation)}:${String(kind)}:${dir}:${from}`, () => {
    let q = vault.db.selectFrom('gallery_items');
    if (conversation) q = q.where('conversation_id', '=', param<number>('conversation'));
    if (kind) q = q.where('kind', '=', param<string>('kind'));
    if (from !== 'none') {
      const op = dir === 'older' ? (from === 'inclusive' ? sql`<=` : sql`<`) : from === 'inclusive' ? sql`>=` : sql`>`;
      q = q.where(sql<boolean>`(date_ms, part_id) ${op} (${param<number>('date')}, ${param<number>('id')})`);
    }
    const order = dir === 'older' ? 'desc' : 'asc';
    return q.orderBy('date_ms', order).orderBy('part_id', order).limit(param<number>('n')).select(['date_ms', 'part_id']);
  });
}

/** Up to `n` keys strictly older/newer than `from` (at it too with `inclusive`), ascending; a person's conversations each walked and merged. */
function walk(vault: Vault, scope: Scope, dir: WalkDirection, n: number, from: Position | undefined, inclusive: boolean): Position[] {
  const conversations = scope.conversations;
  const s = walkStatement(vault, conversations !== undefined, scope.kind !== undefined, dir, from === undefined ? 'none' : inclusive ? 'inclusive' : 'exclusive');
  const params = { n, ...(scope.kind === undefined ? {} : { kind: scope.kind }), ...(from === undefined ? {} : { date: from.date, id: from.id }) };
  const rows = conversations === undefined ? s.all(params) : conversations.flatMap((conversation) => s.all({ ...params, conversation }));
  const keys = rows.map((r) => ({ date: r.date_ms, id: r.part_id }));
  keys.sort((a, b) => a.date - b.date || a.id - b.id);
  return dir === 'older' ? keys.slice(Math.max(0, keys.length - n)) : keys.slice(0, n);
}

export async function galleryPage(vault: Vault, at: OpenAt, filter: GalleryFilter = {}): Promise<GalleryPage> {
  const limit = clampLimit(filter.limit, DEFAULT_GALLERY_LIMIT);
  const scope = await scopeOf(vault, filter);
  // Part ids start at 1: (date, 0) sorts just before every item of that date.
  const { rows, moreOlder, moreNewer } = await twoWayPage<Position, Position>(
    (dir, n, from, inclusive) => Promise.resolve(walk(vault, scope, dir, n, from, inclusive)),
    pageStart(at, decodePlace, (ms) => ({ date: ms, id: 0 })),
    limit,
  );
  const first = rows[0];
  const last = rows.at(-1);
  return {
    items: await viewItems(vault, rows.map((r) => r.id)),
    prevCursor: moreOlder && first !== undefined ? encodePlace(first) : null,
    nextCursor: moreNewer && last !== undefined ? encodePlace(last) : null,
  };
}

interface ItemRow {
  part_id: number;
  message_id: number;
  conversation_id: number;
  date_ms: number;
  kind: string;
  content_type: string | null;
  attrs: string;
  size: number | null;
  message_kind: 'sms' | 'mms';
  direction: string;
}

/** The items of these parts, in the same order. */
export async function viewItems(vault: Vault, partIds: readonly number[]): Promise<GalleryItem[]> {
  if (partIds.length === 0) return [];
  const rows: ItemRow[] = await vault.db
    .selectFrom('gallery_items as g')
    .innerJoin('mms_parts as p', 'p.id', 'g.part_id')
    .innerJoin('messages as m', 'm.id', 'g.message_id')
    .select(['g.part_id', 'g.message_id', 'g.conversation_id', 'g.date_ms', 'g.kind', 'p.content_type', 'p.attrs', 'p.size', 'm.kind as message_kind', 'm.direction'])
    .where('g.part_id', 'in', partIds)
    .execute();
  const { byId } = await conversationSummaries(vault);
  const senders = await sendersOf(
    vault,
    rows.map((r) => ({ id: r.message_id, kind: r.message_kind, direction: r.direction, conversation_id: r.conversation_id })),
    (id) => byId.get(id)?.members ?? [],
  );
  const byPart = new Map(rows.map((r) => [r.part_id, r]));
  return partIds.flatMap((id): GalleryItem[] => {
    const r = byPart.get(id);
    if (r === undefined) return [];
    return [
      {
        id: r.part_id,
        url: `/api/media/${r.part_id}`,
        kind: r.kind as GalleryKind,
        contentType: r.content_type ?? 'application/octet-stream',
        name: partName(JSON.parse(r.attrs) as [string, string][]),
        size: r.size ?? 0,
        ...placeOf({ ...r, id: r.message_id }, byId, senders),
      },
    ];
  });
}

const monthKey = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

/** The statements of a month walk over one conversation's items (or the archive's), of one kind or all. */
function monthStatements(vault: Vault, conversation: boolean, kind: GalleryKind | undefined) {
  const key = `${String(conversation)}:${kind ?? ''}`;
  const scoped = <Q extends SelectQueryBuilder<Schema, 'gallery_items', object>>(q: Q): Q => {
    let out = q;
    if (conversation) out = out.where('conversation_id', '=', param<number>('conversation')) as Q;
    if (kind !== undefined) out = out.where('kind', '=', kind) as Q;
    return out;
  };
  return {
    first: statement<{ date_ms: number }>(vault, `month-first:${key}`, () =>
      scoped(vault.db.selectFrom('gallery_items').select('date_ms').where('date_ms', '>=', param<number>('from')))
        .orderBy('date_ms')
        .limit(1),
    ),
    count: statement<{ n: number }>(vault, `month-count:${key}`, () =>
      scoped(
        vault.db
          .selectFrom('gallery_items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('date_ms', '>=', param<number>('from'))
          .where('date_ms', '<', param<number>('to')),
      ),
    ),
  };
}

/**
 * Items per month under the filter, newest first, in the server's time zone. Each month that has
 * items costs two index seeks: the first item at or after the month before's end, then a count of
 * its month's range (counted inside SQLite, no row read out); a person's conversations are walked
 * one by one and added up. Months without items cost nothing, so does a large month: 50,000 items
 * over ten years are ~240 seeks (figures in BENCHMARKS.md), where reading every date out took ~1 us an item.
 */
export async function galleryMonths(vault: Vault, filter: Omit<GalleryFilter, 'limit'> = {}): Promise<GalleryMonths> {
  // Counts change only with an import: kept until the next one (snapshot.ts) for each conversation
  // and kind, a bounded set; a person's (free text) is counted each time.
  if (filter.contact === undefined || filter.contact.trim() === '') {
    return cached(vault, `gallery-months:${String(filter.conversation ?? '')}:${filter.kind ?? ''}`, () => countMonths(vault, { conversation: filter.conversation, kind: filter.kind }));
  }
  return countMonths(vault, filter);
}

async function countMonths(vault: Vault, filter: Omit<GalleryFilter, 'limit'>): Promise<GalleryMonths> {
  const scope = await scopeOf(vault, filter);
  const { first, count } = monthStatements(vault, scope.conversations !== undefined, scope.kind);
  const byStart = new Map<number, GalleryMonth>();
  for (const conversation of scope.conversations ?? [undefined]) {
    const params = conversation === undefined ? {} : { conversation };
    let at = first.get({ ...params, from: Number.MIN_SAFE_INTEGER });
    while (at !== undefined) {
      const d = new Date(at.date_ms);
      const start = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
      const end = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
      const n = count.get({ ...params, from: start, to: end })?.n ?? 0;
      const month = byStart.get(start) ?? { month: monthKey(d), count: 0, start };
      month.count += n;
      byStart.set(start, month);
      at = first.get({ ...params, from: end });
    }
  }
  const items = [...byStart.values()].sort((a, b) => b.start - a.start);
  return { items, total: items.reduce((sum, m) => sum + m.count, 0) };
}
