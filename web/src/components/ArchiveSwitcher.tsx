import { useState, type ReactNode } from 'react';
import { apiPost, errorMessage } from '../api/client';
import type { ArchiveInfo } from '../api/types';
import { archiveLabel, useArchive } from '../archive';

/**
 * Where to land after switching: the same page, except a conversation's, whose id means nothing
 * in the other archive.
 */
function landingOf(pathname: string): string {
  return pathname.startsWith('/c/') ? '/' : pathname;
}

/**
 * The header's archive picker (shown when a share makes more than one archive open to the
 * account) and the badge that says whose archive this is while it is someone else's. Switching
 * loads the app again: nothing of the archive left stays in memory.
 */
export function ArchiveSwitcher(): ReactNode {
  const { archives, current } = useArchive();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Nothing to pick and nothing to warn of: no element at all, so the header keeps its width.
  if (current === null || (archives.length < 2 && !current.readOnly)) return null;
  const choose = (id: number): void => {
    setBusy(true);
    setError(null);
    apiPost<ArchiveInfo>('/api/archives/current', { archiveId: id })
      .then(() => {
        window.location.assign(landingOf(window.location.pathname));
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
        setBusy(false);
      });
  };
  return (
    <div className="archive-switcher">
      {archives.length > 1 && (
        <label>
          <span className="visually-hidden">Archive</span>
          <select
            value={current.id}
            disabled={busy}
            onChange={(e) => {
              choose(Number(e.target.value));
            }}
          >
            {archives.map((a) => (
              <option key={a.id} value={a.id}>
                {archiveLabel(a)}
              </option>
            ))}
          </select>
        </label>
      )}
      {current.readOnly && (
        <span className="read-only-badge" role="status">
          Read-only: shared by {current.owner ?? 'another account'}
        </span>
      )}
      {error !== null && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
