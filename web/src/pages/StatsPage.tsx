import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApi } from '../api/hooks';
import type { ActivityCell, MonthGap, MonthlyStats, Summary, TopContact } from '../api/types';
import { countNoun, formatCount, formatDuration, formatDateTime, personLabel, sharedNames } from '../format';

// Colours readable on both the light and the dark background.
const SENT = '#3b82f6';
const RECEIVED = '#10b981';
const CALLS = '#f59e0b';
const MINUTES = '#e11d48';
const GAP = '#e11d48';
const TOOLTIP = { contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' } };

function SummaryCards({ s }: { s: Summary }): ReactNode {
  const cards: [string, string][] = [
    ['SMS', formatCount(s.sms)],
    ['MMS', formatCount(s.mms)],
    ['Calls', formatCount(s.calls)],
    ['Conversations', formatCount(s.conversations)],
    ['Contacts', formatCount(s.contacts)],
    ['Backups imported', formatCount(s.backups)],
  ];
  return (
    <>
      <dl className="summary-cards">
        {cards.map(([k, v]) => (
          <div key={k} className="card">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {s.firstDate !== null && s.lastDate !== null && (
        <p className="muted">
          From {formatDateTime(s.firstDate)} to {formatDateTime(s.lastDate)}
        </p>
      )}
    </>
  );
}

/** The long gaps as text: what the shaded areas on the chart mean, for everyone (screen readers too). */
function Gaps({ gaps, longGapMonths }: { gaps: MonthGap[]; longGapMonths: number }): ReactNode {
  if (gaps.length === 0) return null;
  return (
    <div className="card month-gaps" role="note" aria-labelledby="gaps-title">
      <h2 id="gaps-title">Gaps in the archive</h2>
      <ul>
        {gaps.map((g) => (
          <li key={g.from}>
            No messages from {g.from} to {g.to} ({countNoun(g.months, 'month')}) — a missing backup?
          </li>
        ))}
      </ul>
      <p className="muted">Shown for {longGapMonths} or more months in a row without a single message.</p>
    </div>
  );
}

function Monthly({ data }: { data: MonthlyStats }): ReactNode {
  const { months, gaps } = data;
  return (
    <div className="chart-grid">
      <figure className="card chart">
        <figcaption>Messages per month</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={months} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="month" tick={{ fill: 'currentColor', fontSize: 12 }} />
            <YAxis tick={{ fill: 'currentColor', fontSize: 12 }} allowDecimals={false} />
            <Tooltip {...TOOLTIP} />
            <Legend />
            {gaps.map((g) => (
              <ReferenceArea key={g.from} x1={g.from} x2={g.to} fill={GAP} fillOpacity={0.12} stroke={GAP} strokeDasharray="4 2" label={{ value: 'gap', fill: GAP, fontSize: 12 }} className="gap-area" />
            ))}
            <Bar dataKey="sent" name="Sent" stackId="m" fill={SENT} isAnimationActive={false} />
            <Bar dataKey="received" name="Received" stackId="m" fill={RECEIVED} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure className="card chart">
        <figcaption>Calls and minutes per month</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart data={months} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="month" tick={{ fill: 'currentColor', fontSize: 12 }} />
            <YAxis yAxisId="calls" tick={{ fill: 'currentColor', fontSize: 12 }} allowDecimals={false} />
            <YAxis yAxisId="minutes" orientation="right" tick={{ fill: 'currentColor', fontSize: 12 }} />
            <Tooltip {...TOOLTIP} />
            <Legend />
            <Bar yAxisId="calls" dataKey="calls" name="Calls" fill={CALLS} isAnimationActive={false} />
            <Line yAxisId="minutes" dataKey="callMinutes" name="Minutes" stroke={MINUTES} strokeWidth={2} dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}

function TopList({ title, items, value, format }: { title: string; items: TopContact[]; value: (t: TopContact) => number; format: (n: number) => string }): ReactNode {
  const max = Math.max(1, ...items.map(value));
  // Two contacts saved under one name would be two identical bars: show their numbers.
  const shared = sharedNames(items);
  return (
    <figure className="card chart">
      <figcaption>{title}</figcaption>
      {items.length === 0 ? (
        <p className="empty">Nothing yet.</p>
      ) : (
        <ol className="top-list">
          {items.map((t) => (
            <li key={t.address}>
              <Link to={`/?q=${encodeURIComponent(t.address)}`} className="top-name">
                {personLabel(t, shared)}
              </Link>
              <span className="top-bar" aria-hidden="true">
                <span style={{ width: `${(100 * value(t)) / max}%` }} />
              </span>
              <span className="top-value">{format(value(t))}</span>
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Hour of day x weekday as a grid of cells whose opacity follows the count. */
function Heatmap({ cells }: { cells: ActivityCell[] }): ReactNode {
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const c of cells) {
    const row = grid[c.weekday];
    if (row !== undefined && c.hour >= 0 && c.hour < 24) row[c.hour] = c.count;
  }
  const max = Math.max(1, ...cells.map((c) => c.count));
  return (
    <figure className="card chart">
      <figcaption>Activity by hour and weekday</figcaption>
      <table className="heatmap">
        <caption className="visually-hidden">Messages by weekday (rows) and hour of day (columns)</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Weekday</span>
            </th>
            {Array.from({ length: 24 }, (_, h) => (
              <th key={h} scope="col">
                {h % 3 === 0 ? h : ''}
                {h % 3 !== 0 && <span className="visually-hidden">{h}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.map((row, d) => (
            <tr key={d}>
              <th scope="row">{WEEKDAYS[d]}</th>
              {row.map((n, h) => (
                <td key={h} title={`${WEEKDAYS[d] ?? ''} ${h}:00 — ${n}`}>
                  <span className="heat" style={{ opacity: n === 0 ? 0.06 : 0.15 + (0.85 * n) / max }} />
                  <span className="visually-hidden">{n}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function StatsPage(): ReactNode {
  const summary = useApi<Summary>('/api/stats/summary');
  const monthly = useApi<MonthlyStats>('/api/stats/monthly');
  const byMessages = useApi<{ items: TopContact[] }>('/api/stats/top-contacts?by=messages&limit=10');
  const byCalls = useApi<{ items: TopContact[] }>('/api/stats/top-contacts?by=calls&limit=10');
  const activity = useApi<{ cells: ActivityCell[] }>('/api/stats/activity');
  const errors = [summary, monthly, byMessages, byCalls, activity].map((l) => l.error).filter((e) => e !== null);
  return (
    <section className="stats-page" aria-labelledby="stats-title">
      <header className="page-header">
        <h1 id="stats-title">Statistics</h1>
      </header>
      {errors.length > 0 && <p className="error" role="alert">{errors[0]}</p>}
      {summary.data !== null && <SummaryCards s={summary.data} />}
      {monthly.data !== null && <Gaps gaps={monthly.data.gaps} longGapMonths={monthly.data.longGapMonths} />}
      {monthly.data !== null && <Monthly data={monthly.data} />}
      <div className="chart-grid">
        {byMessages.data !== null && <TopList title="Top contacts by messages" items={byMessages.data.items} value={(t) => t.messages} format={formatCount} />}
        {byCalls.data !== null && <TopList title="Top contacts by call time" items={byCalls.data.items} value={(t) => t.callSeconds} format={formatDuration} />}
      </div>
      {activity.data !== null && <Heatmap cells={activity.data.cells} />}
    </section>
  );
}
