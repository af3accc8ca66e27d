import { useCallback, useEffect, useRef, useState, type SyntheticEvent, type ReactNode } from 'react';
import { errorMessage } from '../api/client';
import { useApi, usePaged } from '../api/hooks';
import type { BackupRun, Formats, Job, SnapshotHealth } from '../api/types';
import { uploadBackup, type UploadProgress } from '../api/upload';
import { useArchive } from '../archive';
import { useJob, useStartedJob } from '../api/useJob';
import { JobProgress } from '../components/JobProgress';
import { FailedImports } from '../components/FailedImports';
import { needsPassphrase, PassphrasePrompt } from '../components/PassphrasePrompt';
import { RecentJobs } from '../components/RecentJobs';
import { countNoun, formatBytes, formatCount, formatDateTime } from '../format';

function numberField(result: Record<string, unknown> | null, key: string): number | null {
  const v = result?.[key];
  return typeof v === 'number' ? v : null;
}

interface Counts {
  new: number;
  duplicate: number;
  updated: number;
  rejected: number;
}

/** Totals over the backups an import job read (a ZIP holds several); `skipped` when all were seen before. */
function importTotals(result: Record<string, unknown> | null): { counts: Counts; skipped: boolean } {
  const counts: Counts = { new: 0, duplicate: 0, updated: 0, rejected: 0 };
  const backups = Array.isArray(result?.backups) ? (result.backups as unknown[]) : [result];
  let skipped = backups.length > 0;
  for (const b of backups) {
    if (typeof b !== 'object' || b === null) continue;
    const o = b as Record<string, unknown>;
    const c = (typeof o.counts === 'object' && o.counts !== null ? o.counts : o) as Record<string, unknown>;
    for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] += typeof c[k] === 'number' ? c[k] : 0;
    if (o.status !== 'skipped') skipped = false;
  }
  return { counts, skipped };
}

function ImportResult({ job }: { job: Job }): ReactNode {
  if (job.status === 'failed') {
    const name = job.file ?? 'the file';
    const error = (job.error ?? 'unknown error').replace(/\.$/, '');
    // The error usually starts with the file's name: said once, not twice.
    const said = error.startsWith(name) ? `Import failed: ${error}` : `Import of ${name} failed: ${error}`;
    return (
      <p className="error" role="alert">
        {said}. Nothing was changed in the archive.
      </p>
    );
  }
  if (job.status === 'cancelled') {
    return (
      <p className="muted" role="status">
        Import of {job.file ?? 'the file'} was cancelled. Nothing was changed in the archive.
      </p>
    );
  }
  if (job.status !== 'done') return null;
  const { counts, skipped } = importTotals(job.result);
  if (skipped) {
    return (
      <p className="success" role="status">
        {job.file ?? 'The file'} was imported before (same bytes): nothing new.
      </p>
    );
  }
  const n = (k: keyof Counts): string => formatCount(counts[k]);
  return (
    <p className="success" role="status">
      Imported {job.file ?? 'the file'}: {n('new')} new, {n('duplicate')} duplicate, {n('updated')} updated, {n('rejected')} rejected.
    </p>
  );
}

function Upload({ onFinished, onFailed }: { onFinished: () => void; onFailed: () => void }): ReactNode {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const { job, error: jobError, refresh } = useJob(jobId);
  const abort = useRef<AbortController | null>(null);
  const uploading = progress !== null && jobId === null && error === null;
  const formats = useApi<Formats>('/api/formats');
  // An encrypted backup's password given up front (optional): in this form's memory until the
  // upload is sent with it; the server seals it until the job ends.
  const [passphrase, setPassphrase] = useState('');
  const asksPassphrase = job !== null && needsPassphrase(job);

  useEffect(() => {
    if (job?.status === 'done' || job?.status === 'failed' || job?.status === 'cancelled') onFinished();
  }, [job?.status, onFinished]);

  // Leaving the page (reload, close, another address) cuts the upload off: ask first. The server
  // records an upload cut off anyway, as interrupted (FailedImports lists it).
  useEffect(() => {
    if (!uploading) return;
    const warn = (e: BeforeUnloadEvent): void => {
      // preventDefault is what current browsers take as "ask before leaving".
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [uploading]);

  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    // One upload at a time: a second submit (Enter pressed twice) would race the first.
    if (file === null || uploading) return;
    const withPassphrase = passphrase !== '' ? passphrase : undefined;
    setError(null);
    setJobId(null);
    setPassphrase('');
    setProgress({ loaded: 0, total: file.size });
    abort.current = new AbortController();
    uploadBackup(file, setProgress, abort.current.signal, withPassphrase)
      .then((r) => {
        setJobId(r.jobId);
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
        // The server records an upload cut off; give it a moment, then show the record.
        setTimeout(onFailed, 1000);
      });
  };

  return (
    <section className="card upload-form" aria-labelledby="upload-title">
      <form className="upload-fields" onSubmit={submit}>
        <h2 id="upload-title">Import a backup</h2>
        <p className="muted">A backup file of any size, in any format Textvault reads (recognised by its content, not its name). It is streamed to the server and imported in the background.</p>
        {formats.data !== null && (
          <details>
            <summary>Formats read</summary>
            <ul className="format-list">
              {formats.data.imports.map((f) => (
                <li key={f.id}>{f.label}</li>
              ))}
            </ul>
          </details>
        )}
        <label>
          Backup file
          <input
            type="file"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setProgress(null);
              setJobId(null);
              setError(null);
            }}
          />
        </label>
        <label>
          Password, if the backup is encrypted (optional)
          <input
            type="password"
            autoComplete="off"
            value={passphrase}
            onChange={(e) => {
              setPassphrase(e.target.value);
            }}
          />
        </label>
        <div className="row">
          <button type="submit" disabled={file === null || uploading}>
            Upload and import
          </button>
          {uploading && (
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          )}
        </div>
        {progress !== null && (
          <div className="upload-progress">
            <span>
              Upload: {formatBytes(progress.loaded)} of {formatBytes(progress.total)}
            </span>
            <progress max={Math.max(1, progress.total)} value={progress.loaded} aria-label="Upload progress" />
          </div>
        )}
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {jobError !== null && <p className="error" role="alert">{jobError}</p>}
      </form>
      {job !== null && asksPassphrase && <PassphrasePrompt job={job} onSubmitted={refresh} />}
      {job !== null && !asksPassphrase && <JobProgress job={job} label="Import" onChanged={refresh} />}
      {job !== null && !asksPassphrase && <ImportResult job={job} />}
    </section>
  );
}

function VerifyReport({ job }: { job: Job }): ReactNode {
  if (job.status === 'failed') return <p className="error" role="alert">Verify could not run: {job.error ?? 'unknown error'}</p>;
  if (job.status === 'cancelled') return <p className="muted" role="status">Verify was cancelled.</p>;
  if (job.status !== 'done' || job.result === null) return null;
  const ok = job.result.ok === true;
  const problems = Array.isArray(job.result.problems) ? (job.result.problems as { kind?: unknown; message?: unknown }[]) : [];
  const checked = numberField(job.result, 'blobsChecked');
  return (
    <div className={ok ? 'success' : 'error'} role="status">
      <p>
        <strong>{ok ? 'The archive is intact.' : `${countNoun(problems.length, 'problem')} found.`}</strong>
        {checked !== null && ` ${countNoun(checked, 'media file')} re-hashed.`}
      </p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              <code>{String(p.kind)}</code> {String(p.message)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Verify(): ReactNode {
  const { job, running, error, start, refresh } = useStartedJob('/api/verify');
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Verify the archive</h2>
      <p className="muted">Checks the database and re-hashes every media file.</p>
      <button type="button" disabled={running} onClick={start}>
        Verify now
      </button>
      {error !== null && <p className="error" role="alert">{error}</p>}
      {job !== null && <JobProgress job={job} label="Verify" onChanged={refresh} />}
      {job !== null && <VerifyReport job={job} />}
    </section>
  );
}

/** The vault's own backups (textvault snapshot): the last one, a warning when overdue or failing, and "Snapshot now". */
function Snapshots(): ReactNode {
  const health = useApi<SnapshotHealth>('/api/snapshots/status');
  const reloadHealth = health.reload;
  const { job, running, error, start, refresh } = useStartedJob('/api/snapshots');
  const ended = job !== null && !running;
  // The card's "last snapshot" is the one just taken (or its failure) as soon as the job ends.
  useEffect(() => {
    if (ended) reloadHealth();
  }, [ended, reloadHealth]);
  const h = health.data;
  return (
    <section className="card snapshots" aria-labelledby="snapshots-title">
      <h2 id="snapshots-title">Snapshots of the vault</h2>
      {health.error !== null && <p className="error" role="alert">{health.error}</p>}
      {h?.last != null && (
        <p className="snapshot-last">
          Last snapshot {formatDateTime(h.last.at)} to <code>{h.last.to}</code>
          {h.last.encrypted ? ' (encrypted)' : ''}: {formatCount(h.last.counts.messages)} messages, {formatBytes(h.last.bytes)} ({formatBytes(h.last.addedBytes)} new).
        </p>
      )}
      {h?.message != null && (
        <p className={h.state === 'ok' ? 'muted' : 'error'} role={h.state === 'ok' ? undefined : 'alert'}>
          {h.message}
        </p>
      )}
      {h?.state === 'ok' && <p className="success">Snapshots are up to date.</p>}
      {h?.canRunNow === true && (
        <button type="button" disabled={running} onClick={start}>
          Snapshot now
        </button>
      )}
      {error !== null && <p className="error" role="alert">{error}</p>}
      {job !== null && <JobProgress job={job} label="Snapshot" onChanged={refresh} />}
      <p className="muted">
        {h?.canRunNow === true
          ? 'Snapshot now uses the folder and key set with '
          : 'Taken with '}
        <code>{h?.canRunNow === true ? 'textvault snapshot schedule' : 'textvault snapshot --to DIR'}</code>
        {h?.canRunNow === true ? '' : ' (daily from cron, a timer or textvault snapshot schedule)'}; see the README&apos;s &ldquo;Backing up Textvault&rdquo;.
      </p>
    </section>
  );
}

export function BackupsPage(): ReactNode {
  const runs = usePaged<BackupRun>('/api/backups?limit=50');
  const { readOnly, current } = useArchive();
  const [failedVersion, setFailedVersion] = useState(0);
  const reloadRuns = runs.reload;
  const finished = useCallback(() => {
    reloadRuns();
    setFailedVersion((v) => v + 1);
  }, [reloadRuns]);
  const failed = useCallback(() => {
    setFailedVersion((v) => v + 1);
  }, []);
  return (
    <section className="backups-page" aria-labelledby="backups-title">
      <header className="page-header">
        <h1 id="backups-title">Backups</h1>
      </header>
      {readOnly ? (
        <p className="muted read-only-note">
          {current === null ? 'Loading…' : `This is ${current.owner ?? 'another account'}'s archive, shared with you read-only: only they import, verify and snapshot it.`}
        </p>
      ) : (
        <div className="chart-grid">
          <Upload onFinished={finished} onFailed={failed} />
          <Verify />
          <Snapshots />
        </div>
      )}
      <RecentJobs />
      <FailedImports version={failedVersion} onImported={reloadRuns} />
      <h2>Import runs</h2>
      {runs.error !== null && <p className="error" role="alert">{runs.error}</p>}
      {!runs.loading && runs.items.length === 0 && <p className="empty">No backup imported yet.</p>}
      <div className="table-scroll">
        <table className="backups-table">
          <caption className="visually-hidden">Every import run</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">File</th>
              <th scope="col">Format</th>
              <th scope="col">Status</th>
              <th scope="col">Read</th>
              <th scope="col">New</th>
              <th scope="col">Duplicate</th>
              <th scope="col">Updated</th>
              <th scope="col">Rejected</th>
              <th scope="col">Warnings</th>
            </tr>
          </thead>
          <tbody>
            {runs.items.map((b) => (
              <tr key={b.id} className={`run run-${b.status}`}>
                <td>{formatDateTime(b.startedAt)}</td>
                <td className="file">{b.file}</td>
                <td>{b.format}</td>
                <td>{b.status}</td>
                <td>{formatCount(b.read)}</td>
                <td>{formatCount(b.new)}</td>
                <td>{formatCount(b.duplicate)}</td>
                <td>{formatCount(b.updated)}</td>
                <td>{formatCount(b.rejected)}</td>
                <td>{formatCount(b.warnings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!runs.loading && runs.hasMore && runs.items.length > 0 && (
        <button type="button" onClick={runs.loadMore}>
          More runs
        </button>
      )}
    </section>
  );
}
