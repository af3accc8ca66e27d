/**
 * The call log, newest first, with filters: who, what kind of call, when.
 */
import { sql } from 'kysely';
import { PhoneNormalizer } from '../phone.js';
import type { Vault } from '../vault.js';
import { clampLimit, decodePosition, encodePosition, type Page, type Position, type WalkDirection } from './cursor.js';
import { namesFor } from './names.js';

export const CALL_TYPES = ['incoming', 'outgoing', 'missed', 'voicemail', 'rejected', 'blocked', 'unknown'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** Android's CallLog.Calls.TYPE codes. */
const TYPE_CODES: Record<Exclude<CallType, 'unknown'>, number> = { incoming: 1, outgoing: 2, missed: 3, voicemail: 4, rejected: 5, blocked: 6 };

export interface CallView {
  id: number;
  date: number;
  number: string;
  name: string | null;
  type: CallType;
  durationS: number;
}

export interface CallFilter {
  /** A number in any format (normalised with the vault's region) or a part of a contact's name. */
  contact?: string;
  type?: CallType;
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

function typeOf(code: number | null): CallType {
  const hit = Object.entries(TYPE_CODES).find(([, c]) => c === code);
  return hit === undefined ? 'unknown' : (hit[0] as CallType);
}

/** Normalised addresses a `contact` filter means: the number itself and every contact whose name matches. */
export async function addressesFor(vault: Vault, contact: string): Promise<string[]> {
  const out = new Set<string>();
  if (/\d/.test(contact)) {
    const region = await vault.config.region();
    // Without a region yet (empty vault) a number with its country code still normalises.
    const norm = new PhoneNormalizer(region ?? { kind: 'country', country: 'US' }).normalize(contact);
    if (norm !== '') out.add(norm);
    out.add(contact.trim());
  }
  const named = await vault.db
    .selectFrom('contacts')
    .select('address_norm')
    .where(sql<boolean>`instr(lower(name), lower(${contact.trim()})) > 0`)
    .limit(100)
    .execute();
  for (const r of named) out.add(r.address_norm);
  return [...out];
}

/** Which calls a walk visits. */
export interface CallScope {
  /** Normalised numbers (addressesFor); absent: every number. */
  numbers?: readonly string[];
  type?: CallType;
  from?: number;
  to?: number;
}

/** The columns a view needs from `calls`. */
export interface CallRow {
  id: number;
  date_ms: number;
  number: string | null;
  number_norm: string;
  type: number | null;
  duration_s: number | null;
}

/** Up to `n` calls strictly older/newer than `from` (or from either end), in date order: one seek on calls_date. */
export async function walkCalls(vault: Vault, scope: CallScope, dir: WalkDirection, n: number, from: Position | undefined): Promise<CallRow[]> {
  let q = vault.db.selectFrom('calls').select(['id', 'date_ms', 'number', 'number_norm', 'type', 'duration_s']);
  if (scope.numbers !== undefined) q = q.where('number_norm', 'in', scope.numbers);
  const type = scope.type;
  if (type !== undefined) {
    q = type === 'unknown' ? q.where((eb) => eb.or([eb('type', 'is', null), eb('type', 'not in', Object.values(TYPE_CODES))])) : q.where('type', '=', TYPE_CODES[type]);
  }
  if (scope.from !== undefined) q = q.where('date_ms', '>=', scope.from);
  if (scope.to !== undefined) q = q.where('date_ms', '<', scope.to);
  if (from !== undefined) q = q.where(sql<boolean>`(date_ms, id) ${dir === 'older' ? sql`<` : sql`>`} (${from.date}, ${from.id})`);
  const order = dir === 'older' ? 'desc' : 'asc';
  const rows = await q.orderBy('date_ms', order).orderBy('id', order).limit(n).execute();
  return dir === 'older' ? rows.reverse() : rows;
}

/** Calls as the API shows them, with the names their numbers have, in the same order. */
export async function viewCalls(vault: Vault, rows: readonly CallRow[]): Promise<CallView[]> {
  const names = await namesFor(vault, rows.map((r) => r.number_norm));
  return rows.map((r) => ({
    id: r.id,
    date: r.date_ms,
    number: r.number ?? r.number_norm,
    name: names.get(r.number_norm) ?? null,
    type: typeOf(r.type),
    durationS: r.duration_s ?? 0,
  }));
}

export async function listCalls(vault: Vault, filter: CallFilter = {}): Promise<Page<CallView>> {
  const limit = clampLimit(filter.limit);
  const scope: CallScope = { type: filter.type, from: filter.from, to: filter.to };
  if (filter.contact !== undefined && filter.contact.trim() !== '') {
    scope.numbers = await addressesFor(vault, filter.contact);
    if (scope.numbers.length === 0) return { items: [], nextCursor: null };
  }
  const from = filter.cursor === undefined ? undefined : decodePosition(filter.cursor);
  // Newest first: the walk's rows come oldest first, the extra row (if any) at the start.
  const rows = (await walkCalls(vault, scope, 'older', limit + 1, from)).reverse();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await viewCalls(vault, page),
    nextCursor: rows.length > limit && last !== undefined ? encodePosition({ date: last.date_ms, id: last.id }) : null,
  };
}
