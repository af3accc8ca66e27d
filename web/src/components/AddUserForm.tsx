import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { apiPost, errorMessage } from '../api/client';
import type { Account } from '../api/types';

/** An admin adds an account; it gets an empty archive of its own. */
export function AddUserForm({ onAdded }: { onAdded: (a: Account) => void }): ReactNode {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setError(null);
    const trimmed = email.trim();
    apiPost<Account>('/api/users', { username: username.trim(), password, admin, ...(trimmed === '' ? {} : { email: trimmed }) })
      .then((a) => {
        setUsername('');
        setPassword('');
        setAdmin(false);
        setEmail('');
        onAdded(a);
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  return (
    <form className="card add-user" onSubmit={submit} aria-labelledby="add-user-title">
      <h2 id="add-user-title">Add user</h2>
      <p className="muted">The new account starts with an empty archive of its own; nobody else sees it unless they share it.</p>
      <label>
        Name{' '}
        <input required maxLength={64} autoComplete="off" value={username} onChange={(e) => { setUsername(e.target.value); }} />
      </label>
      <label>
        Password{' '}
        <input type="password" required autoComplete="new-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <label>
        E-mail (optional){' '}
        <input type="email" maxLength={254} value={email} onChange={(e) => { setEmail(e.target.value); }} />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={admin} onChange={(e) => { setAdmin(e.target.checked); }} /> Admin (manages accounts; never sees their messages)
      </label>
      <div className="row">
        <button type="submit">Add user</button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
