import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { apiGet, apiPost, setCsrfToken, setUnauthenticatedHandler } from './api/client';
import type { Session } from './api/types';
import { ArchiveProvider } from './archive';
import { ArchiveSwitcher } from './components/ArchiveSwitcher';
import { BannerArea, BannerProvider } from './components/Banners';
import { SharingButton } from './components/ShareDialog';
import { StatusBanners } from './components/StatusBanners';
import { ThemeToggle } from './components/ThemeToggle';
import { BackupsPage } from './pages/BackupsPage';
import { CallsPage } from './pages/CallsPage';
import { ConversationMediaPage } from './pages/ConversationMediaPage';
import { ConversationsPage } from './pages/ConversationsPage';
import { ExportPage } from './pages/ExportPage';
import { AfterLogin, LoginPage } from './pages/LoginPage';
import { PhotosPage } from './pages/PhotosPage';
import { SearchPage } from './pages/SearchPage';
import { SetupPage } from './pages/SetupPage';
import { SourcesPage } from './pages/SourcesPage';
import { ThreadPage } from './pages/ThreadPage';
import { TimelinePage } from './pages/TimelinePage';
import { UsersPage } from './pages/UsersPage';
import { SessionContext } from './session';

// The charts library is the bulk of the bundle: load it only when Statistics is opened.
const StatsPage = lazy(() => import('./pages/StatsPage').then((m) => ({ default: m.StatsPage })));

type Boot = { state: 'loading' } | { state: 'ready'; setupNeeded: boolean; session: Session | null } | { state: 'error'; message: string };

const NAV: [string, string][] = [
  ['/', 'Conversations'],
  ['/timeline', 'Timeline'],
  ['/photos', 'Photos'],
  ['/search', 'Search'],
  ['/calls', 'Calls'],
  ['/stats', 'Statistics'],
  ['/backups', 'Backups'],
  ['/sources', 'Sources'],
  ['/export', 'Export'],
];

export function App(): ReactNode {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const navigate = useNavigate();
  const location = useLocation();
  // On a phone the navigation folds into a Menu button (CSS); it closes again on every page change.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    setMenuOpen(false);
  }, [location.pathname]);

  const setSession = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setBoot({ state: 'ready', setupNeeded: false, session: s });
  }, []);

  useEffect(() => {
    // An object, not a boolean, so the async body sees the cleanup's write.
    const live = { current: true };
    (async () => {
      // Both at once: the first screen waits on them.
      const [setup, existing] = await Promise.all([apiGet<{ needed: boolean }>('/api/setup'), apiGet<Session>('/api/session').catch(() => null)]);
      const session = setup.needed ? null : existing;
      if (!live.current) return;
      setCsrfToken(session?.csrfToken ?? null);
      setBoot({ state: 'ready', setupNeeded: setup.needed, session });
    })().catch((e: unknown) => {
      if (live.current) setBoot({ state: 'error', message: e instanceof Error ? e.message : String(e) });
    });
    return () => {
      live.current = false;
    };
  }, []);

  // Any 401 (an expired or deleted session) sends the user to the login page, back here after.
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setBoot((b) => (b.state === 'ready' ? { ...b, session: null } : b));
      const here = window.location.pathname + window.location.search;
      if (!here.startsWith('/login')) void navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
    });
  }, [navigate]);

  if (boot.state === 'loading') return <p className="centered" role="status">Loading…</p>;
  if (boot.state === 'error') {
    return (
      <p className="centered error" role="alert">
        Cannot reach the Textvault server: {boot.message}
      </p>
    );
  }
  const { session, setupNeeded } = boot;
  const path = location.pathname;
  const next = encodeURIComponent(path + location.search);

  let routes: ReactNode;
  if (setupNeeded) {
    routes = (
      <Routes>
        <Route path="/setup" element={<SetupPage />} />
        <Route path="*" element={<Navigate to="/setup" replace />} />
      </Routes>
    );
  } else if (session === null) {
    routes = (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to={path === '/' ? '/login' : `/login?next=${next}`} replace />} />
      </Routes>
    );
  } else {
    routes = (
      <Routes>
        <Route path="/" element={<ConversationsPage />} />
        <Route path="/c/:id" element={<ThreadPage />} />
        <Route path="/c/:id/media" element={<ConversationMediaPage />} />
        <Route path="/photos" element={<PhotosPage />} />
        <Route path="/timeline" element={<TimelinePage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/calls" element={<CallsPage />} />
        <Route
          path="/stats"
          element={
            <Suspense fallback={<p role="status">Loading charts…</p>}>
              <StatsPage />
            </Suspense>
          }
        />
        <Route path="/backups" element={<BackupsPage />} />
        <Route path="/sources" element={<SourcesPage />} />
        <Route path="/export" element={<ExportPage />} />
        <Route path="/users" element={session.role === 'admin' ? <UsersPage /> : <p className="centered">Only an admin manages accounts.</p>} />
        <Route path="/login" element={<AfterLogin />} />
        <Route path="/setup" element={<Navigate to="/" replace />} />
        <Route path="*" element={<p className="centered">Page not found.</p>} />
      </Routes>
    );
  }

  return (
    <SessionContext.Provider value={{ session, setSession }}>
      <ArchiveProvider>
      <BannerProvider>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="app-header">
          <span className="brand">Textvault</span>
          {session !== null && (
            <button
              type="button"
              className="menu-button"
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => {
                setMenuOpen((o) => !o);
              }}
            >
              <span aria-hidden="true">☰</span> Menu
            </button>
          )}
          {session !== null && (
            <nav aria-label="Main" id="main-nav" className={menuOpen ? 'open' : undefined}>
              <ul>
                {(session.role === 'admin' ? [...NAV, ['/users', 'Users'] as const] : NAV).map(([to, label]) => (
                  <li key={to}>
                    <NavLink to={to} end={to === '/'}>
                      {label}
                    </NavLink>
                  </li>
                ))}
                <li className="nav-sharing">
                  <SharingButton place="menu" />
                </li>
              </ul>
            </nav>
          )}
          <div className="header-tools">
            {session !== null && <ArchiveSwitcher />}
            {session !== null && <SharingButton place="header" />}
            <ThemeToggle />
            {session !== null && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  // A full page load, not a route change: nothing of the archive stays in memory.
                  void apiPost('/api/logout')
                    .catch(() => undefined)
                    .finally(() => {
                      setCsrfToken(null);
                      window.location.assign('/login');
                    });
                }}
              >
                Log out <span className="visually-hidden">{session.username}</span>
              </button>
            )}
          </div>
        </header>
        {session !== null && !setupNeeded && <StatusBanners />}
        <BannerArea />
        <main id="main" tabIndex={-1}>
          {routes}
        </main>
      </BannerProvider>
      </ArchiveProvider>
    </SessionContext.Provider>
  );
}
