import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { apiDelete, apiPost, errorMessage } from '../api/client';
import { useApi } from '../api/hooks';
import type { Share } from '../api/types';
import { formatDateTime } from '../format';
import { ModalDialog } from './ModalDialog';

/** Who sees the account's own archive read-only (whichever archive it is looking at), adding and revoking them. */
function ShareDialog({ onClose }: { onClose: () => void }): ReactNode {
  const shares = useApi<{ items: Share[] }>('/api/shares');
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = (e: SyntheticEvent): void => {
    e.preventDefault();
    setError(null);
    apiPost<Share>('/api/shares', { username: username.trim() })
      .then(() => {
        setUsername('');
        shares.reload();
      })
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  const revoke = (s: Share): void => {
    setError(null);
    apiDelete(`/api/shares/${s.userId}`)
      .then(shares.reload)
      .catch((err: unknown) => {
        setError(errorMessage(err));
      });
  };
  const list = shares.data?.items ?? [];
  return (
    <ModalDialog title="Share my archive" titleId="share-title" className="share-dialog" onClose={onClose}>
      <p className="muted">
        Read-only: they can browse, search and export your archive, never import, delete or change settings. You can revoke it at any time.
      </p>
      {shares.error !== null && <p className="error">{shares.error}</p>}
      {shares.data !== null && list.length === 0 && <p className="empty">Not shared with anyone.</p>}
      {list.length > 0 && (
        <ul className="share-list">
          {list.map((s) => (
            <li key={s.userId} data-share={s.username}>
              <strong>{s.username}</strong> <span className="muted">since {formatDateTime(s.since)}</span>{' '}
              <button
                type="button"
                onClick={() => {
                  revoke(s);
                }}
              >
                Revoke <span className="visually-hidden">{s.username}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="row" onSubmit={add}>
        <label>
          User name{' '}
          <input
            required
            maxLength={64}
            autoComplete="off"
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
            }}
          />
        </label>
        <button type="submit">Share</button>
      </form>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}

/**
 * "Sharing", for every account: its own archive is the one shared. In the header on a wide
 * screen, in the Menu on a phone (`place` picks which the CSS shows).
 */
export function SharingButton({ place }: { place: 'header' | 'menu' }): ReactNode {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`link-button sharing-in-${place}`}
        onClick={() => {
          setOpen(true);
        }}
      >
        Sharing
      </button>
      {open && (
        <ShareDialog
          onClose={() => {
            setOpen(false);
          }}
        />
      )}
    </>
  );
}
