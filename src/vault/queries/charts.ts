/**
 * Numbers for the statistics page, from the one pass over the messages (archive-pass.ts) and small
 * grouped queries over the calls, cached until the next import (snapshot.ts). Months, hours and weekdays are in the server's local time zone.
 */
import { sql } from 'kysely';
import type { Vault } from '../vault.js';
import { archivePass, SLOT_MS } from './archive-pass.js';
import { clampLimit } from './cursor.js';
import { conversationSummaries } from './conversations.js';
import { namesFor } from './names.js';
import { everyMonth } from './month-gaps.js';
import { cached } from './snapshot.js';

export interface Summary {
  sms: number;
  mms: number;
  calls: number;
  conversations: number;
  contacts: number;
  firstDate: number | null;
  lastDate: number | null;
  backups: number;
}

export interface MonthRow {
  month: string;
  sent: number;
  received: number;
  /** Every message of the month: sent, received and those of unknown direction. */
  messages: number;
  calls: number;
  callMinutes: number;
}

export interface TopContactRow {
  address: string;
  name: string | null;
  messages: number;
  callSeconds: number;
}

export interface ActivityCell {
  weekday: number;
  hour: number;
  count: number;
}

const count = sql<number>`count(*)`;

export function summary(vault: Vault): Promise<Summary> {
  return cached(vault, 'summary', async () => {
    const db = vault.db;
    const pass = await archivePass(vault);
    const one = async (table: 'calls' | 'conversations' | 'contacts' | 'backups'): Promise<number> =>
      (await db.selectFrom(table).select(count.as('n')).executeTakeFirstOrThrow()).n;
    // Each min and max alone in its query: SQLite answers those with one seek on the date index,
    // but `SELECT min(x), max(x)` scans it all (0.6 s at ten million messages).
    const edge = async (table: 'messages' | 'calls'): Promise<{ first: number | null; last: number | null }> =>
      db
        .selectNoFrom([
          (eb) => eb.selectFrom(table).select(sql<number | null>`min(date_ms)`.as('v')).as('first'),
          (eb) => eb.selectFrom(table).select(sql<number | null>`max(date_ms)`.as('v')).as('last'),
        ])
        .executeTakeFirstOrThrow();
    const m = await edge('messages');
    const c = await edge('calls');
    const firsts = [m.first, c.first].filter((x): x is number => x !== null);
    const lasts = [m.last, c.last].filter((x): x is number => x !== null);
    return {
      sms: pass.sms,
      mms: pass.mms,
      calls: await one('calls'),
      conversations: (await conversationSummaries(vault)).sorted.length,
      contacts: await one('contacts'),
      firstDate: firsts.length > 0 ? Math.min(...firsts) : null,
      lastDate: lasts.length > 0 ? Math.max(...lasts) : null,
      backups: await one('backups'),
    };
  });
}

const monthKey = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

/** Every month from the first to the last message or call, empty ones included (month-gaps.ts). */
export function monthly(vault: Vault): Promise<MonthRow[]> {
  return cached(vault, 'monthly', async () => {
    const calls = await vault.db
      .selectFrom('calls')
      .select([sql<number>`date_ms / ${SLOT_MS}`.as('slot'), count.as('calls'), sql<number>`coalesce(sum(duration_s), 0)`.as('seconds')])
      .groupBy('slot')
      .execute();
    const months = new Map<string, MonthRow & { seconds: number }>();
    const row = (slot: number): MonthRow & { seconds: number } => {
      const month = monthKey(new Date(slot * SLOT_MS));
      let r = months.get(month);
      if (r === undefined) {
        r = { month, sent: 0, received: 0, messages: 0, calls: 0, callMinutes: 0, seconds: 0 };
        months.set(month, r);
      }
      return r;
    };
    for (const [slot, m] of (await archivePass(vault)).slots) {
      const r = row(slot);
      r.sent += m.sent;
      r.received += m.received;
      r.messages += m.sent + m.received + m.other;
    }
    for (const c of calls) {
      const r = row(c.slot);
      r.calls += c.calls;
      r.seconds += c.seconds;
    }
    const rows = [...months.values()]
      .sort((a, b) => a.month.localeCompare(b.month))
      .map(({ seconds, ...r }) => ({ ...r, callMinutes: Math.round((seconds / 60) * 10) / 10 }));
    return everyMonth(rows, (month) => ({ month, sent: 0, received: 0, messages: 0, calls: 0, callMinutes: 0 }));
  });
}

export async function topContacts(vault: Vault, by: 'messages' | 'calls', limit?: number): Promise<TopContactRow[]> {
  const all = await cached(vault, 'top-contacts', async () => {
    const rows = new Map<string, TopContactRow>();
    const row = (address: string): TopContactRow => {
      let r = rows.get(address);
      if (r === undefined) {
        r = { address, name: null, messages: 0, callSeconds: 0 };
        rows.set(address, r);
      }
      return r;
    };
    for (const c of (await conversationSummaries(vault)).sorted) {
      const only = c.members[0];
      if (c.isGroup || only === undefined) continue;
      row(only.address).messages += c.messageCount;
    }
    const calls = await vault.db.selectFrom('calls').select(['number_norm', sql<number>`coalesce(sum(duration_s), 0)`.as('seconds')]).groupBy('number_norm').execute();
    for (const c of calls) if (c.number_norm !== '') row(c.number_norm).callSeconds += c.seconds;
    const names = await namesFor(vault, rows.keys());
    for (const r of rows.values()) r.name = names.get(r.address) ?? null;
    return [...rows.values()];
  });
  const key = by === 'messages' ? 'messages' : 'callSeconds';
  return all
    .filter((r) => r[key] > 0)
    .sort((a, b) => b[key] - a[key] || a.address.localeCompare(b.address))
    .slice(0, clampLimit(limit, 10));
}

export function activity(vault: Vault): Promise<ActivityCell[]> {
  return cached(vault, 'activity', async () => {
    const cells: ActivityCell[] = [];
    for (let weekday = 0; weekday < 7; weekday++) for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, count: 0 });
    for (const [slot, m] of (await archivePass(vault)).slots) {
      const d = new Date(slot * SLOT_MS);
      const cell = cells[d.getDay() * 24 + d.getHours()];
      if (cell !== undefined) cell.count += m.sent + m.received + m.other;
    }
    return cells;
  });
}

/** Computes what the statistics page shows, so its first visit after an import is not the slow one. */
export async function warmCharts(vault: Vault): Promise<void> {
  await summary(vault);
  await monthly(vault);
  await activity(vault);
  await topContacts(vault, 'messages');
}
