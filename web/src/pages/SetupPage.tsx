import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { apiGet, apiPost, errorMessage } from '../api/client';
import type { Session, Setup } from '../api/types';
import { useSession } from '../session';

/** The one-time token comes in the URL fragment (never sent to the server in a request line or logs). */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}

export function SetupPage(): ReactNode {
  const [token, setToken] = useState(tokenFromHash);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { setSession } = useSession();
  const navigate = useNavigate();

  // The setup link may be opened in a tab already showing this page: only the fragment changes.
  useEffect(() => {
    const onHash = (): void => {
      const t = tokenFromHash();
      if (t !== '') setToken(t);
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);

  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    if (password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    apiPost<Session>('/api/setup', { token, username, password } satisfies Setup)
      .then(() => apiGet<Session>('/api/session'))
      .then((s) => {
        // Drop the token from the address bar and history.
        window.history.replaceState(null, '', '/');
        setSession(s);
        void navigate('/', { replace: true });
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
        setBusy(false);
      });
  };

  return (
    <form className="card auth-form" onSubmit={submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Create the owner account</h1>
      <p>This archive has no account yet. Use the setup link the server printed on its console when it started.</p>
      <label>
        Setup token
        <input value={token} onChange={(e) => { setToken(e.target.value); }} required autoComplete="off" />
      </label>
      <label>
        Username
        <input value={username} onChange={(e) => { setUsername(e.target.value); }} required autoComplete="username" />
      </label>
      <label>
        Password
        <input type="password" value={password} onChange={(e) => { setPassword(e.target.value); }} required minLength={8} autoComplete="new-password" />
      </label>
      <label>
        Repeat password
        <input type="password" value={confirm} onChange={(e) => { setConfirm(e.target.value); }} required autoComplete="new-password" />
      </label>
      {error !== null && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        Create account
      </button>
    </form>
  );
}
