import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { apiGet, apiPost, errorMessage } from '../api/client';
import type { AuthMethods, Credentials, Session } from '../api/types';
import { useSession } from '../session';
import { ssoErrorMessage } from './sso-errors';

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
  const ssoError = ssoErrorMessage(params.get('error'));
  // Until the server says otherwise: the password form, as before single sign-on existed.
  const [methods, setMethods] = useState<AuthMethods>({ password: true, sso: null });

  useEffect(() => {
    apiGet<AuthMethods>('/api/auth/methods').then(setMethods, () => {
      // Unreachable server: the form stays, and logging in says what is wrong.
    });
  }, []);

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
      {ssoError !== null && <p className="error" role="alert">{ssoError}</p>}
      {methods.sso !== null && (
        // A full page load, not a fetch: the server redirects the browser to the provider.
        <a className="button-link sso-button" href="/api/auth/oidc/start">
          Sign in with {methods.sso.label}
        </a>
      )}
      {methods.password && methods.sso !== null && <p className="muted auth-or">or with your Textvault password</p>}
      {methods.password && (
        <>
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
        </>
      )}
    </form>
  );
}
