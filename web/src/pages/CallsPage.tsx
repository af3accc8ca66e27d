import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { withQuery } from '../api/client';
import { usePaged } from '../api/hooks';
import type { Call, CallType } from '../api/types';
import { dateInputToMs, formatDateTime, formatDuration } from '../format';

export const CALL_ICON: Record<CallType, { icon: string; label: string }> = {
  incoming: { icon: '↙', label: 'Incoming' },
  outgoing: { icon: '↗', label: 'Outgoing' },
  missed: { icon: '↩', label: 'Missed' },
  voicemail: { icon: '✉', label: 'Voicemail' },
  rejected: { icon: '⊘', label: 'Rejected' },
  blocked: { icon: '⛔', label: 'Blocked' },
  unknown: { icon: '?', label: 'Unknown' },
};

const FIELDS = ['contact', 'type', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];

export function CallsPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const current = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<Field, string>;
  const [form, setForm] = useState(current);
  const list = usePaged<Call>(
    withQuery('/api/calls', { contact: current.contact, type: current.type, from: dateInputToMs(current.from), to: dateInputToMs(current.to, true), limit: 100 }),
  );
  const set = (f: Field) => (e: { target: { value: string } }) => {
    setForm((prev) => ({ ...prev, [f]: e.target.value }));
  };
  const apply = (next: Record<Field, string>): void => {
    setForm(next);
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')));
  };
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    apply(form);
  };

  return (
    <section className="calls-page" aria-labelledby="calls-title">
      <header className="page-header">
        <h1 id="calls-title">{current.contact === '' ? 'Calls' : `Calls with ${current.contact}`}</h1>
      </header>
      <form className="search-form" onSubmit={submit} aria-label="Filter calls">
        <label>
          Contact
          <input value={form.contact} onChange={set('contact')} placeholder="name or number" />
        </label>
        <label>
          Type
          <select value={form.type} onChange={set('type')}>
            <option value="">All types</option>
            {(Object.keys(CALL_ICON) as CallType[]).map((t) => (
              <option key={t} value={t}>
                {CALL_ICON[t].label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={form.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="date" value={form.to} onChange={set('to')} />
        </label>
        <button type="submit">Filter</button>
        {Object.values(current).some((v) => v !== '') && (
          <button type="button" onClick={() => { apply({ contact: '', type: '', from: '', to: '' }); }}>
            Clear
          </button>
        )}
      </form>
      {list.error !== null && <p className="error" role="alert">{list.error}</p>}
      {!list.loading && list.error === null && list.items.length === 0 && <p className="empty">No calls.</p>}
      <table className="calls-table">
        <caption className="visually-hidden">Call log</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Contact</th>
            <th scope="col">Date</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((c) => {
            const t = CALL_ICON[c.type];
            return (
              <tr key={c.id} className={`call call-${c.type}`}>
                <td>
                  <span className="call-icon" role="img" aria-label={t.label} title={t.label}>
                    {t.icon}
                  </span>
                </td>
                <td>
                  <button type="button" className="link-button" title="Show every call with this contact" onClick={() => { apply({ ...current, contact: c.number }); }}>
                    {c.name ?? c.number}
                  </button>
                  {c.name !== null && <span className="muted"> {c.number}</span>}
                </td>
                <td>
                  <time dateTime={new Date(c.date).toISOString()}>{formatDateTime(c.date)}</time>
                </td>
                <td>{c.durationS > 0 ? formatDuration(c.durationS) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.loading && <p role="status">Loading calls…</p>}
      {!list.loading && list.hasMore && list.items.length > 0 && (
        <button type="button" onClick={list.loadMore}>
          More calls
        </button>
      )}
    </section>
  );
}
