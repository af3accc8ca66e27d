import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { apiGet } from './api/client';
import { useSession } from './session';
import type { ArchiveInfo } from './api/types';

/** The archive the session is looking at (its own, or one shared with it read-only) and the others it may open. */
export interface ArchiveState {
  archives: ArchiveInfo[];
  current: ArchiveInfo | null;
  /**
   * Looking at someone else's archive: what would change it is hidden (the server answers 403
   * read_only anyway). True until the server said, so an upload form never flashes up on a share.
   */
  readOnly: boolean;
}

const UNKNOWN: ArchiveState = { archives: [], current: null, readOnly: true };

export const ArchiveContext = createContext<ArchiveState>(UNKNOWN);

export function useArchive(): ArchiveState {
  return useContext(ArchiveContext);
}

/**
 * Asks the server on every page change which archive the session sees: a share revoked meanwhile
 * makes the server fall back to the account's own archive, and then the whole app loads again, so
 * nothing of the other archive stays on screen or in memory.
 */
export function ArchiveProvider({ children }: { children: ReactNode }): ReactNode {
  const location = useLocation();
  // Signed out (or setting up) there is no archive to ask about, and a 401 would redirect to login.
  const signedIn = useSession().session !== null;
  const [state, setState] = useState<ArchiveState>(UNKNOWN);
  const shownId = useRef<number | null>(null);
  const apply = useCallback((archives: ArchiveInfo[]) => {
    const current = archives.find((a) => a.current) ?? null;
    if (shownId.current !== null && current !== null && current.id !== shownId.current) {
      window.location.reload();
      return;
    }
    shownId.current = current?.id ?? null;
    setState({ archives, current, readOnly: current?.readOnly ?? false });
  }, []);
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    apiGet<{ items: ArchiveInfo[] }>('/api/archives')
      .then((list) => {
        if (live) apply(list.items);
      })
      // The header then shows no switcher; writes stay offered and the server still refuses them on a share.
      .catch(() => {
        if (live) setState((s) => (s.current === null ? { ...s, readOnly: false } : s));
      });
    return () => {
      live = false;
    };
  }, [location.pathname, apply, signedIn]);
  return <ArchiveContext.Provider value={state}>{children}</ArchiveContext.Provider>;
}

/** "My archive" or "Alice's archive (read-only)". */
export function archiveLabel(a: ArchiveInfo): string {
  if (!a.readOnly) return 'My archive';
  return `${a.owner ?? 'Someone'}'s archive (read-only)`;
}
