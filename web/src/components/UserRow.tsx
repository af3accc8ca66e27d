import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { apiPatch, apiPost, errorMessage } from '../api/client';
import type { Account } from '../api/types';
import { formatBytes, formatDateTime } from '../format';
import { RemoveUserDialog } from './RemoveUserDialog';

/** A new password for an account, typed by the admin (the account's sessions end). */
function ResetPassword({ account, onDone }: { account: Account; onDone: (note: string | null) => void }): ReactNode {
  const [password, setPassword] = useState('');
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    apiPost(`/api/users/${account.id}/password`, { password })
      .then(() => {
        onDone(`New password set for ${account.username}; they were signed out.`);
      })
      .catch((err: unknown) => {
        onDone(errorMessage(err));
      });
  };
  return (
    <form className="row" onSubmit={submit}>
      <label>
        New password for {account.username}{' '}
        <input type="password" required autoComplete="new-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <button type="submit">Set password</button>
      <button
        type="button"
        onClick={() => {
          onDone(null);
        }}
      >
        Cancel
      </button>
    </form>
  );
}

/** One account in the admin's table: what its archive holds in bytes, never its content; and what an admin may do to it. */
export function UserRow({ account, isMe, onChanged }: { account: Account; isMe: boolean; onChanged: () => void }): ReactNode {
  const [note, setNote] = useState<string | null>(null);
  const [resetting, setResetting] = useState(false);
  const [removing, setRemoving] = useState(false);
  const change = (body: { disabled?: boolean; admin?: boolean }): void => {
    setNote(null);
    apiPatch<Account>(`/api/users/${account.id}`, body)
      .then(onChanged)
      .catch((err: unknown) => {
        setNote(errorMessage(err));
      });
  };
  const name = <span className="visually-hidden">{account.username}</span>;
  return (
    <tr data-user={account.username} className={account.disabled ? 'user user-disabled' : 'user'}>
      <th scope="row">
        {account.username}
        {isMe && <span className="muted"> (you)</span>}
      </th>
      <td>{account.role === 'admin' ? 'Admin' : 'User'}</td>
      <td>{account.disabled ? 'Disabled' : 'Active'}</td>
      <td>{account.email ?? '—'}</td>
      <td>{account.archive === null ? '—' : formatBytes(account.archive.sizeBytes)}</td>
      <td>{account.archive?.lastBackupAt == null ? '—' : formatDateTime(account.archive.lastBackupAt)}</td>
      <td>{account.sharedWith.length === 0 ? '—' : account.sharedWith.join(', ')}</td>
      <td>
        {resetting ? (
          <ResetPassword
            account={account}
            onDone={(n) => {
              setResetting(false);
              setNote(n);
            }}
          />
        ) : (
          <div className="row">
            <button
              type="button"
              onClick={() => {
                setNote(null);
                setResetting(true);
              }}
            >
              Reset password {name}
            </button>
            <button
              type="button"
              onClick={() => {
                change({ disabled: !account.disabled });
              }}
            >
              {account.disabled ? 'Enable' : 'Disable'} {name}
            </button>
            <button
              type="button"
              onClick={() => {
                change({ admin: account.role !== 'admin' });
              }}
            >
              {account.role === 'admin' ? 'Remove admin' : 'Make admin'} {name}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setNote(null);
                setRemoving(true);
              }}
            >
              Remove {name}
            </button>
          </div>
        )}
        {note !== null && (
          <div className="muted" role="status">
            {note}
          </div>
        )}
        {removing && (
          <RemoveUserDialog
            account={account}
            onClose={() => {
              setRemoving(false);
            }}
            onRemoved={() => {
              setRemoving(false);
              onChanged();
            }}
          />
        )}
      </td>
    </tr>
  );
}
