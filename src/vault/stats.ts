/**
 * Totals a person wants to see first: how much is in the archive, over what span, with whom.
 */
import { sql } from 'kysely';
import type { Vault } from './vault.js';
import { monthly } from './queries/charts.js';
import { longGaps, type MonthGap } from './queries/month-gaps.js';

export interface TopContact {
  address: string;
  name: string | null;
  messages: number;
}

export interface VaultStats {
  sms: number;
  mms: number;
  calls: number;
  conversations: number;
  contacts: number;
  backups: number;
  media: { blobs: number; bytes: number };
  /** Date of the oldest / newest message or call, ISO 8601 UTC; null for an empty vault. */
  first: string | null;
  last: string | null;
  topContacts: TopContact[];
  /** Runs of LONG_GAP_MONTHS or more months without a message (queries/month-gaps.ts). */
  gaps: MonthGap[];
}

export async function vaultStats(vault: Vault, topN = 10): Promise<VaultStats> {
  const db = vault.db;
  const kinds = await db.selectFrom('messages').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').execute();
  const count = (k: string): number => kinds.find((r) => r.kind === k)?.n ?? 0;
  const one = async (table: 'calls' | 'conversations' | 'contacts' | 'backups'): Promise<number> =>
    (await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  const blobs = await db
    .selectFrom('blobs')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes')])
    .executeTakeFirstOrThrow();
  const span = await db
    .selectFrom(
      db
        .selectFrom('messages')
        .select('date_ms')
        .unionAll(db.selectFrom('calls').select('date_ms'))
        .as('d'),
    )
    .select([(eb) => eb.fn.min<number>('d.date_ms').as('first'), (eb) => eb.fn.max<number>('d.date_ms').as('last')])
    .executeTakeFirstOrThrow();
  const top = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('conversation_members', 'conversation_members.conversation_id', 'conversations.id')
    .leftJoin('contacts', 'contacts.address_norm', 'conversation_members.address_norm')
    .where('conversations.is_group', '=', 0)
    .select(['conversation_members.address_norm as address', 'contacts.name as name', (eb) => eb.fn.countAll<number>().as('messages')])
    .groupBy(['conversation_members.address_norm', 'contacts.name'])
    .orderBy('messages', 'desc')
    .limit(topN)
    .execute();
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    sms: count('sms'),
    mms: count('mms'),
    calls: await one('calls'),
    conversations: await one('conversations'),
    contacts: await one('contacts'),
    backups: await one('backups'),
    media: { blobs: blobs.n, bytes: blobs.bytes },
    first: iso(span.first),
    last: iso(span.last),
    topContacts: top.map((t) => ({ address: t.address, name: t.name, messages: t.messages })),
    gaps: longGaps(await monthly(vault)),
  };
}
