import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { useApi } from '../api/hooks';
import type { ConversationItem, Page } from '../api/types';
import type { ExportKind, NewExport } from '../api/types';
import { useExport, useExportFormats } from '../components/ExportRunner';
import { dateInputToMs } from '../format';
import { Choice } from '../components/Choice';

const KINDS: [ExportKind, string][] = [
  ['sms', 'SMS'],
  ['mms', 'MMS'],
  ['calls', 'Calls'],
];

export function ExportPage(): ReactNode {
  const conversations = useApi<Page<ConversationItem>>('/api/conversations?limit=500');
  const [format, setFormat] = useState('pdf');
  const [conversation, setConversation] = useState('');
  const [contact, setContact] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [kinds, setKinds] = useState<Set<ExportKind>>(new Set(['sms', 'mms', 'calls']));
  const [csvRaw, setCsvRaw] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const { start, view, busy } = useExport();
  const exportFormats = useExportFormats();

  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setFormError(null);
    if (kinds.size === 0) {
      setFormError('Choose at least one of SMS, MMS and calls.');
      return;
    }
    const r: NewExport = { format, kinds: [...kinds] };
    if (format === 'csv' && csvRaw) r.csvRaw = true;
    if (conversation !== '') r.conversationId = Number(conversation);
    if (contact.trim() !== '') r.contact = contact.trim();
    const s = since === '' ? null : dateInputToMs(since);
    const u = until === '' ? null : dateInputToMs(until, true);
    if (s !== null) r.since = s;
    // The date input is inclusive; the API's until is exclusive.
    if (u !== null) r.until = u + 1;
    start(r);
  };

  return (
    <section className="export-page" aria-labelledby="export-title">
      <header className="page-header">
        <h1 id="export-title">Export</h1>
      </header>
      <form className="card" onSubmit={submit} aria-labelledby="export-title">
        <p className="muted">Everything, or one conversation, contact or date range, in any format Textvault writes. The export runs on the server; download it when it is ready.</p>
        <Choice label="Format" value={format} options={exportFormats} onChange={setFormat} />
        {format === 'csv' && (
          <label>
            <input type="checkbox" checked={csvRaw} onChange={(e) => { setCsvRaw(e.target.checked); }} /> Keep text starting with = + - @ exactly (for
            scripts). Unticked, such text gets a leading &apos; so spreadsheets show it instead of running it as a formula.
          </label>
        )}
        <label>
          Conversation{' '}
          <select value={conversation} onChange={(e) => { setConversation(e.target.value); }}>
            <option value="">All conversations</option>
            {(conversations.data?.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Contact (number or name) <input value={contact} maxLength={200} onChange={(e) => { setContact(e.target.value); }} />
        </label>
        <label>
          From <input type="date" value={since} onChange={(e) => { setSince(e.target.value); }} />
        </label>
        <label>
          Until (inclusive) <input type="date" value={until} onChange={(e) => { setUntil(e.target.value); }} />
        </label>
        <fieldset className="kinds">
          <legend>Include</legend>
          {KINDS.map(([k, l]) => (
            <label key={k}>
              <input
                type="checkbox"
                checked={kinds.has(k)}
                onChange={(e) => {
                  const next = new Set(kinds);
                  if (e.target.checked) next.add(k);
                  else next.delete(k);
                  setKinds(next);
                }}
              />{' '}
              {l}
            </label>
          ))}
        </fieldset>
        <div className="row">
          <button type="submit" disabled={busy}>
            Start export
          </button>
        </div>
        {formError !== null && (
          <p className="error" role="alert">
            {formError}
          </p>
        )}
        {view}
      </form>
    </section>
  );
}
