import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { apiDelete, errorMessage } from '../api/client';
import type { Account } from '../api/types';
import { formatBytes } from '../format';
import { ModalDialog } from './ModalDialog';

/** Removing an account asks for its name again and says plainly that its whole archive goes with it. */
export function RemoveUserDialog({ account, onClose, onRemoved }: { account: Account; onClose: () => void; onRemoved: () => void }): ReactNode {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setError(null);
    apiDelete(`/api/users/${account.id}`, { confirm: typed })
      .then(onRemoved)
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  return (
    <ModalDialog title={`Remove ${account.username}?`} titleId="remove-user-title" className="remove-user-dialog" onClose={onClose}>
      <p>
        This deletes the account <strong>{account.username}</strong> and its whole archive
        {account.archive !== null && ` (${formatBytes(account.archive.sizeBytes)})`}: every message, call, photo and other media, and the history of its
        backups. It cannot be undone.
      </p>
      <form onSubmit={submit}>
        <label>
          Type {account.username} to confirm{' '}
          <input autoComplete="off" value={typed} onChange={(e) => { setTyped(e.target.value); }} />
        </label>
        <div className="row">
          <button type="submit" className="danger" disabled={typed !== account.username}>
            Remove {account.username} and the archive
          </button>
        </div>
      </form>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}
