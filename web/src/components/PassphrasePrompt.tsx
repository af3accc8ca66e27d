import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { apiPost, errorMessage } from '../api/client';
import type { Job } from '../api/types';

/** The import failed for want of its backup's password, or with a wrong one (docs/api.md errorCode). */
export function needsPassphrase(job: Job): boolean {
  return job.kind === 'import' && job.status === 'failed' && (job.errorCode === 'passphrase_required' || job.errorCode === 'wrong_passphrase');
}

/**
 * An encrypted backup's "enter its password" state: submitting runs the same job again with it
 * (POST /api/jobs/:id/passphrase; the server keeps the file, seals the password until the job
 * ends and never sends it back). The field is emptied once sent: a wrong password is not kept.
 */
export function PassphrasePrompt({ job, label = 'Backup password', onSubmitted }: { job: Job; label?: string; onSubmitted: () => void }): ReactNode {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    if (value === '' || busy) return;
    setBusy(true);
    setError(null);
    apiPost<Job>(`/api/jobs/${String(job.id)}/passphrase`, { passphrase: value })
      .then(() => {
        setValue('');
        onSubmitted();
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
      })
      .finally(() => {
        setBusy(false);
      });
  };
  return (
    <form className="passphrase-prompt" onSubmit={submit} data-job-id={job.id}>
      <p className="passphrase-state">
        <strong>This backup is encrypted: enter its password.</strong>
      </p>
      {job.errorCode === 'wrong_passphrase' && job.error !== null && (
        <p className="error" role="alert">
          {job.error}
        </p>
      )}
      <label>
        {label}
        <input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
          }}
        />
      </label>
      <div className="row">
        <button type="submit" disabled={value === '' || busy}>
          Import with this password
        </button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
