import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { apiPost, errorMessage } from '../api/client';
import type { Credentials, Session } from '../api/types';
import { useSession } from '../session';

/** Only same-app paths: never an open redirect to another origin. */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Where /login leads once there is a session: back to the page that asked for it. */
export function AfterLogin(): ReactNode {
  const [params] = useSearchParams();
  return <Navigate to={safeNext(params.get('next'))} replace />;
}

export function LoginPage(): ReactNode {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { setSession } = useSession();
  const [params] = useSearchParams();
  const expired = params.has('next');

  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    apiPost<Session>('/api/login', { username, password } satisfies Credentials)
      .then((s) => {
        // The /login route then redirects (AfterLogin) to where the user was going.
        setSession(s);
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
        setBusy(false);
      });
  };

  return (
    <form className="card auth-form" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      {expired && <p className="muted">Please log in to continue.</p>}
      <label>
        Username
        <input value={username} onChange={(e) => { setUsername(e.target.value); }} required autoComplete="username" autoFocus />
      </label>
      <label>
        Password
        <input type="password" value={password} onChange={(e) => { setPassword(e.target.value); }} required autoComplete="current-password" />
      </label>
      {error !== null && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        Log in
      </button>
    </form>
  );
}
