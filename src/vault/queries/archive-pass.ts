/**
 * One sequential pass over every message, feeding all the aggregates the app shows: per
 * conversation (count, unread, first and last date), per 15-minute slot (sent, received, for the
 * charts) and per kind. Grouped SQL did this in several passes, each sorting a million rows in a
 * temporary b-tree (seconds each); walking the table once in rowid order and counting in maps is
 * several times faster. Cached until the next import (snapshot.ts).
 */
import { prepare } from '../../store/prepared.js';
import type { Vault } from '../vault.js';
import { cached, parseStamp, type Persisted } from './snapshot.js';

/** 15 minutes divides every time zone's UTC offset, so a slot never straddles a local hour. */
export const SLOT_MS = 15 * 60 * 1000;

export interface ConversationCounts {
  n: number;
  unread: number;
  first: number;
  last: number;
}

export interface SlotCounts {
  sent: number;
  received: number;
  /** Direction unknown: counted in activity, not in sent/received. */
  other: number;
}

export interface ArchivePass {
  conversations: Map<number, ConversationCounts>;
  slots: Map<number, SlotCounts>;
  sms: number;
  mms: number;
  /** The largest message id counted: an import that only adds is folded in from there. */
  upTo: number;
  /** Messages read to make this value (all of them, or only the new ones when extended): for measurements and tests. */
  rowsRead: number;
}

type Row = [id: number, conversationId: number, kind: string, dateMs: number, direction: string, read: number | null];

/**
 * Rows read between two turns of the event loop: the pass over ten million messages takes
 * seconds, and a server must answer meanwhile (a turn is ~50 ms here).
 */
const ROWS_A_TURN = 50_000;

export function archivePass(vault: Vault): Promise<ArchivePass> {
  return cached(vault, 'archive-pass', () => foldFrom(vault, emptyPass()), KEPT);
}

const emptyPass = (): ArchivePass => ({ conversations: new Map(), slots: new Map(), sms: 0, mms: 0, upTo: 0, rowsRead: 0 });

/** Adds every message after `pass.upTo` to `pass` (changed in place), in id order, a turn at a time. */
async function foldFrom(vault: Vault, pass: ArchivePass): Promise<ArchivePass> {
  const query = vault.db
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'kind', 'date_ms', 'direction', 'read'])
    .where('id', '>', (eb) => eb.val(0))
    .orderBy('id')
    .limit(ROWS_A_TURN);
  const statement = prepare(vault.store.sqlite, query).statement.raw(true);
  // An import meanwhile changes the stamp, and the next caller brings the value up to date again.
  for (;;) {
    const rows = statement.all(pass.upTo, ROWS_A_TURN) as Row[];
    const last = rows.at(-1);
    if (last === undefined) break;
    pass.upTo = last[0];
    pass.rowsRead += rows.length;
    addRows(pass, rows);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return pass;
}

/**
 * The pass of an earlier state plus the messages added since, when the backups imported since
 * only added messages (none updated one: an update can change a message's read flag or
 * conversation) and no backup row went away. At ten million messages a daily import then costs
 * its own new rows, not a 23 s pass over all of them (BENCHMARKS.md).
 */
async function extendPass(vault: Vault, previous: ArchivePass, since: string): Promise<ArchivePass | undefined> {
  // Values kept by a release without upTo: no base to extend.
  if (!(previous.upTo > 0)) return undefined;
  const before = parseStamp(since);
  const later = await vault.db.selectFrom('backups').select(['id', 'updated_count']).where('id', '>', before.backupId).execute();
  const now = await vault.db.selectFrom('backups').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (now.n !== before.backups + later.length || later.some((b) => b.updated_count > 0)) return undefined;
  const pass: ArchivePass = {
    conversations: new Map([...previous.conversations].map(([id, c]) => [id, { ...c }])),
    slots: new Map([...previous.slots].map(([slot, s]) => [slot, { ...s }])),
    sms: previous.sms,
    mms: previous.mms,
    upTo: previous.upTo,
    rowsRead: 0,
  };
  return foldFrom(vault, pass);
}

function addRows(pass: ArchivePass, rows: readonly Row[]): void {
  for (const row of rows) {
    const [, conversationId, kind, dateMs, direction, read] = row;
    if (kind === 'sms') pass.sms++;
    else pass.mms++;
    const c = pass.conversations.get(conversationId);
    const unread = read === 0 && direction === 'in' ? 1 : 0;
    if (c === undefined) pass.conversations.set(conversationId, { n: 1, unread, first: dateMs, last: dateMs });
    else {
      c.n++;
      c.unread += unread;
      if (dateMs < c.first) c.first = dateMs;
      if (dateMs > c.last) c.last = dateMs;
    }
    const slot = Math.floor(dateMs / SLOT_MS);
    let s = pass.slots.get(slot);
    if (s === undefined) {
      s = { sent: 0, received: 0, other: 0 };
      pass.slots.set(slot, s);
    }
    if (direction === 'out') s.sent++;
    else if (direction === 'in') s.received++;
    else s.other++;
  }
}

/** Kept across restarts: at ten million messages the pass takes seconds, reading it back a fraction. */
const KEPT: Persisted<ArchivePass> = {
  encode: (p) =>
    JSON.stringify({
      sms: p.sms,
      mms: p.mms,
      upTo: p.upTo,
      conversations: [...p.conversations].map(([id, c]) => [id, c.n, c.unread, c.first, c.last]),
      slots: [...p.slots].map(([slot, s]) => [slot, s.sent, s.received, s.other]),
    }),
  decode: (text) => {
    const o = JSON.parse(text) as { sms: number; mms: number; upTo?: number; conversations: number[][]; slots: number[][] };
    const pass: ArchivePass = { sms: o.sms, mms: o.mms, upTo: o.upTo ?? 0, rowsRead: 0, conversations: new Map(), slots: new Map() };
    for (const [id = 0, n = 0, unread = 0, first = 0, last = 0] of o.conversations) pass.conversations.set(id, { n, unread, first, last });
    for (const [slot = 0, sent = 0, received = 0, other = 0] of o.slots) pass.slots.set(slot, { sent, received, other });
    return pass;
  },
  extend: extendPass,
};
