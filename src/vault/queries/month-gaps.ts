/**
 * Months on the statistics axis, and the long gaps between them. A month with no message is
 * still a month: dropping it from the axis (as grouping does) hides exactly what an archive's
 * owner most needs to see, a stretch with no messages at all, which is usually a backup that
 * never reached the vault.
 *
 * A **long gap** is a run of at least LONG_GAP_MONTHS consecutive calendar months without a
 * single message (SMS or MMS, any direction) between the first and the last month that has
 * messages. Shorter runs happen in real lives (a holiday, a quiet phone) and are not flagged;
 * calls do not fill a gap (call logs are backed up apart from messages), and the months before
 * the first message are where the archive starts, not a gap. Documented in docs/api.md.
 */

import { countNoun } from '../../formats/plural.js';

/** Three empty months in a row: longer than any usual quiet spell, short enough to catch a lost quarter. */
export const LONG_GAP_MONTHS = 3;

export interface MonthGap {
  /** First and last empty month, "YYYY-MM". */
  from: string;
  to: string;
  months: number;
}

const MONTH = /^(\d{4})-(\d{2})$/;

function index(month: string): number {
  const m = MONTH.exec(month);
  if (m === null) throw new RangeError(`"${month}" is not a YYYY-MM month`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

function monthOf(i: number): string {
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * Every month from the earliest to the latest of `rows` (sorted), the missing ones made with
 * `empty(month)`.
 */
export function everyMonth<T extends { month: string }>(rows: T[], empty: (month: string) => T): T[] {
  if (rows.length === 0) return [];
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const indexes = rows.map((r) => index(r.month));
  const first = Math.min(...indexes);
  const last = Math.max(...indexes);
  const out: T[] = [];
  for (let i = first; i <= last; i++) {
    const month = monthOf(i);
    out.push(byMonth.get(month) ?? empty(month));
  }
  return out;
}

/** The long gaps (LONG_GAP_MONTHS or more empty months) between the first and last month with messages. */
export function longGaps(rows: { month: string; messages: number }[], minMonths = LONG_GAP_MONTHS): MonthGap[] {
  const withMessages = rows
    .filter((r) => r.messages > 0)
    .map((r) => index(r.month))
    .sort((a, b) => a - b);
  const gaps: MonthGap[] = [];
  for (let k = 1; k < withMessages.length; k++) {
    const before = withMessages[k - 1] ?? 0;
    const after = withMessages[k] ?? 0;
    const empty = after - before - 1;
    if (empty >= minMonths) gaps.push({ from: monthOf(before + 1), to: monthOf(after - 1), months: empty });
  }
  return gaps;
}

/** "no messages from 2018-01 to 2018-12 (12 months) — a missing backup?" */
export function gapText(g: MonthGap): string {
  return `no messages from ${g.from} to ${g.to} (${countNoun(g.months, 'month')}) — a missing backup?`;
}
