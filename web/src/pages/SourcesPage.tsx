import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { apiDelete, apiPatch, apiPost, errorMessage } from '../api/client';
import { useApi } from '../api/hooks';
import type { Alert, ApiToken, NewApiToken, NewSource, NewToken, RunStarted, Source, SourceChange, VaultStatus } from '../api/types';
import { countNoun, formatDateTime } from '../format';
import { Choice } from '../components/Choice';
import { useArchive } from '../archive';

const SCHEDULES: [string, string][] = [
  ['continuous', 'As soon as a file appears'],
  ['hourly', 'Every hour'],
  ['daily', 'Every day (03:00)'],
  ['weekly', 'Every week'],
];
const AFTER_IMPORT: [string, string][] = [
  ['keep', 'Keep the file'],
  ['move', 'Move it to an "imported" folder'],
  ['delete', 'Delete it'],
];
const MAILBOX_SCHEDULES: [string, string][] = SCHEDULES.filter(([v]) => v !== 'continuous');
const IMAP_SECURITY: [string, string][] = [
  ['tls', 'TLS (imaps://, port 993)'],
  ['starttls', 'STARTTLS (port 143)'],
  ['plain', 'Unencrypted (a server on your own network only)'],
];
const HOUR = 3_600_000;

/** An IMAP source's new password: typed here, sent once, stored sealed on the server, never shown again. */
function SetPassword({ source, onChanged }: { source: Source; onChanged: () => void }): ReactNode {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<string | null>(null);
  if (!open) {
    return (
      <div>
        <button
          type="button"
          onClick={() => {
            setOpen(true);
            setNote(null);
          }}
        >
          Set password <span className="visually-hidden">{source.name}</span>
        </button>
        {note !== null && (
          <span className="muted" role="status">
            {' '}
            {note}
          </span>
        )}
      </div>
    );
  }
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        apiPatch(`/api/sources/${source.id}`, { password } satisfies SourceChange)
          .then(() => {
            setPassword('');
            setOpen(false);
            setNote('Password saved.');
            onChanged();
          })
          .catch((err: unknown) => {
            setNote(errorMessage(err));
          });
      }}
    >
      <label>
        New password for {source.name}{' '}
        <input type="password" autoComplete="new-password" required value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <button type="submit">Save password</button>
      {note !== null && (
        <span className="muted" role="status">
          {note}
        </span>
      )}
    </form>
  );
}

function when(ms: number | null): string {
  return ms === null ? '—' : formatDateTime(ms);
}

function SourceRow({ source, alerts, readOnly, onChanged }: { source: Source; alerts: Alert[]; readOnly: boolean; onChanged: () => void }): ReactNode {
  const [note, setNote] = useState<string | null>(null);
  const h = source.health;
  const path = typeof source.config.path === 'string' ? source.config.path : typeof source.config.url === 'string' ? source.config.url : null;
  return (
    <tr className={alerts.length === 0 ? (source.enabled ? 'source' : 'source source-paused') : 'source source-alert'} data-source={source.name}>
      <th scope="row">
        {source.name}
        <div className="muted">
          {source.kind}
          {path !== null && `: ${path}`}
        </div>
        {source.kind === 'imap' && !readOnly && <SetPassword source={source} onChanged={onChanged} />}
      </th>
      <td>{source.schedule}</td>
      <td>{when(h.lastSuccessAt)}</td>
      <td>{h.lastError === null ? '—' : <span className="error">{h.lastError}</span>}</td>
      <td>{when(h.nextRunAt)}</td>
      <td>{when(h.newestMessageAt)}</td>
      <td>
        {!source.enabled
          ? 'Paused'
          : alerts.length === 0
            ? 'OK'
            : alerts.map((a) => (
                <div key={a.id} className="error">
                  {a.message}
                </div>
              ))}
      </td>
      {!readOnly && (
        <td>
          {source.kind !== 'upload' && (
            <button
              type="button"
              onClick={() => {
                setNote(null);
                apiPost<RunStarted>(`/api/sources/${source.id}/run`)
                  .then((r) => {
                    setNote(r.jobIds.length === 0 ? 'Nothing new to import.' : `Queued ${countNoun(r.jobIds.length, 'import job')}; see Backups.`);
                    onChanged();
                  })
                  .catch((e: unknown) => {
                    setNote(errorMessage(e));
                    // A folder found missing raised an alert: show it in the row.
                    onChanged();
                  });
              }}
            >
              Run now <span className="visually-hidden">{source.name}</span>
            </button>
          )}{' '}
          <button
            type="button"
            title={
              source.enabled
                ? source.kind === 'upload'
                  ? "Refuse this device's uploads until resumed; no alerts meanwhile"
                  : 'Stop watching or polling it until resumed; no alerts meanwhile'
                : 'Watch, poll or accept uploads again'
            }
            onClick={() => {
              setNote(null);
              apiPatch(`/api/sources/${source.id}`, { enabled: !source.enabled } satisfies SourceChange)
                .then(onChanged)
                .catch((e: unknown) => {
                  setNote(errorMessage(e));
                });
            }}
          >
            {source.enabled ? 'Pause' : 'Resume'} <span className="visually-hidden">{source.name}</span>
          </button>{' '}
          <button
            type="button"
            onClick={() => {
              if (!window.confirm(`Remove the source "${source.name}"? What it imported stays in the archive.`)) return;
              apiDelete(`/api/sources/${source.id}`)
                .then(onChanged)
                .catch((e: unknown) => {
                  setNote(errorMessage(e));
                });
            }}
          >
            Remove <span className="visually-hidden">{source.name}</span>
          </button>

          {note !== null && (
            <div className="muted" role="status">
              {note}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

function AddFolder({ onAdded }: { onAdded: () => void }): ReactNode {
  const allowed = useApi<{ items: string[] }>('/api/sources/allowed-folders');
  const roots = allowed.data?.items ?? [];
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [schedule, setSchedule] = useState('continuous');
  const [afterImport, setAfterImport] = useState('keep');
  const [hours, setHours] = useState('48');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setError(null);
    const h = Number(hours);
    if (!Number.isFinite(h) || h <= 0) {
      setError('The expected interval is a number of hours above 0.');
      return;
    }
    apiPost<Source>('/api/sources', { name, kind: 'folder', config: { path, afterImport }, schedule, expectedIntervalMs: Math.round(h * HOUR) } satisfies NewSource)
      .then(() => {
        setName('');
        setPath('');
        onAdded();
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-folder-title">
      <h2 id="add-folder-title">Watch a folder</h2>
      <p className="muted">Backups that appear in a folder on the server (e.g. one Syncthing fills) are imported on their own.</p>
      {allowed.data !== null && roots.length === 0 && (
        <p className="allowed-folders">
          The server&apos;s admin has not allowed any folder yet. On the server, run{' '}
          <code>textvault config set sources.allowed-folders /srv/phone-backups</code>.
        </p>
      )}
      {roots.length > 0 && (
        <p className="allowed-folders muted">
          Folders inside {roots.map((r, i) => (
            <span key={r}>
              {i > 0 && ', '}
              <code>{r}</code>
            </span>
          ))}{' '}
          can be watched (the server&apos;s admin chooses these).
        </p>
      )}
      <label>
        Name <input required maxLength={200} value={name} onChange={(e) => { setName(e.target.value); }} />
      </label>
      <label>
        Folder path on the server <input required value={path} placeholder={roots[0] === undefined ? undefined : `${roots[0]}/…`} onChange={(e) => { setPath(e.target.value); }} />
      </label>
      <Choice label="Schedule" value={schedule} options={SCHEDULES} onChange={setSchedule} />
      <Choice label="After import" value={afterImport} options={AFTER_IMPORT} onChange={setAfterImport} />
      <label>
        Alert when no new backup for (hours) <input type="number" min="1" step="1" value={hours} onChange={(e) => { setHours(e.target.value); }} />
      </label>
      <div className="row">
        <button type="submit">Add folder source</button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function AddMailbox({ onAdded }: { onAdded: () => void }): ReactNode {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [security, setSecurity] = useState('tls');
  const [insecure, setInsecure] = useState(false);
  const [schedule, setSchedule] = useState('hourly');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setError(null);
    apiPost<Source>('/api/sources', { name, kind: 'imap', config: { url, password, security, insecure }, schedule } satisfies NewSource)
      .then(() => {
        setName('');
        setUrl('');
        setPassword('');
        onAdded();
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-mailbox-title">
      <h2 id="add-mailbox-title">Poll a mailbox</h2>
      <p className="muted">SMS Backup+ copies texts to a mail folder (e.g. Gmail&apos;s &quot;SMS&quot; label); new mail there is imported on a schedule.</p>
      <label>
        Name <input required maxLength={200} value={name} onChange={(e) => { setName(e.target.value); }} />
      </label>
      <label>
        Mailbox URL <input required placeholder="imaps://me@imap.gmail.com/SMS" value={url} onChange={(e) => { setUrl(e.target.value); }} />
      </label>
      <label>
        Mailbox password{' '}
        <input type="password" autoComplete="new-password" required value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <p className="muted">Stored encrypted on the server and never shown again. Gmail needs an app password.</p>
      <Choice label="Connection" value={security} options={IMAP_SECURITY} onChange={setSecurity} />
      <label className="checkbox">
        <input type="checkbox" checked={insecure} onChange={(e) => { setInsecure(e.target.checked); }} /> Accept a certificate that does not verify (only a server you control)
      </label>
      <Choice label="Check for new mail" value={schedule} options={MAILBOX_SCHEDULES} onChange={setSchedule} />
      <div className="row">
        <button type="submit">Add mailbox source</button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Tokens(): ReactNode {
  const tokens = useApi<{ items: ApiToken[] }>('/api/tokens');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setError(null);
    apiPost<NewApiToken>('/api/tokens', { name } satisfies NewToken)
      .then((t) => {
        setCreated({ name: t.name, token: t.token });
        setName('');
        tokens.reload();
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Device tokens</h2>
      <p className="muted">A phone app or script uploads backups with a token (POST /api/ingest). Each token is its own source.</p>
      <form onSubmit={submit} className="row">
        <label>
          Device name <input required maxLength={200} value={name} onChange={(e) => { setName(e.target.value); }} />
        </label>
        <button type="submit">Create token</button>
      </form>
      {created !== null && (
        <div className="success" role="status">
          Token for {created.name} (shown only this once; copy it now): <code className="new-token">{created.token}</code>
        </div>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {tokens.error !== null && <p className="error">{tokens.error}</p>}
      <ul className="token-list">
        {(tokens.data?.items ?? []).map((t) => (
          <li key={t.id} data-token={t.name}>
            <strong>{t.name}</strong> <span className="muted">created {when(t.createdAt)}, last used {when(t.lastUsedAt)}</span>{' '}
            {t.revokedAt === null ? (
              <button
                type="button"
                onClick={() => {
                  apiDelete(`/api/tokens/${t.id}`)
                    .then(tokens.reload)
                    .catch((err: unknown) => {
                      setError(errorMessage(err));
                    });
                }}
              >
                Revoke <span className="visually-hidden">{t.name}</span>
              </button>
            ) : (
              <span className="muted">revoked {when(t.revokedAt)}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SourcesPage(): ReactNode {
  const status = useApi<VaultStatus>('/api/status');
  const { readOnly } = useArchive();
  const sources = status.data?.sources ?? [];
  const alertsOf = (id: number): Alert[] => (status.data?.alerts ?? []).filter((a) => a.sourceId === id);
  return (
    <section className="sources-page" aria-labelledby="sources-title">
      <header className="page-header">
        <h1 id="sources-title">Sources</h1>
      </header>
      {status.error !== null && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
      {!status.loading && status.error === null && sources.length === 0 && <p className="empty">No source yet: add a watched folder or create a device token.</p>}
      {sources.length > 0 && (
        <div className="table-scroll">
          <table className="sources-table">
            <caption className="visually-hidden">Sources and their health</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Schedule</th>
                <th scope="col">Last success</th>
                <th scope="col">Last error</th>
                <th scope="col">Next run</th>
                <th scope="col">Newest message</th>
                <th scope="col">Alert</th>
                {!readOnly && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <SourceRow key={s.id} source={s} alerts={alertsOf(s.id)} readOnly={readOnly} onChanged={status.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {readOnly ? (
        <p className="muted read-only-note">Sources and device tokens of a shared archive are its owner&apos;s to manage.</p>
      ) : (
        <div className="chart-grid">
          <AddFolder onAdded={status.reload} />
          <AddMailbox onAdded={status.reload} />
          <Tokens />
        </div>
      )}
    </section>
  );
}
