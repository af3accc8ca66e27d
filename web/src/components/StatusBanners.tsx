import { useEffect, type ReactNode } from 'react';
import { apiGet } from '../api/client';
import type { SnapshotHealth, VaultStatus } from '../api/types';
import { countNoun, nounFor } from '../format';
import { useBanners } from './Banners';

/** How often the open alerts are fetched again while the app is open. */
const REFRESH_MS = 60_000;

/**
 * Pushes the vault's open source alerts, an overdue or failing scheduled snapshot and the
 * "deleted on your phone" count into the banner area. Renders nothing itself; a server without sources (404) simply shows no banner.
 */
export function StatusBanners(): ReactNode {
  const { show, dismiss } = useBanners();
  useEffect(() => {
    let live = true;
    // id -> text: a notice is pushed again only when its text changed, so one the user dismissed stays dismissed.
    let shown = new Map<string, string>();
    const refresh = (): void => {
      // Each feed on its own: a server without sources (404) still shows the snapshots' alert.
      void Promise.allSettled([apiGet<VaultStatus>('/api/status'), apiGet<SnapshotHealth>('/api/snapshots/status')]).then(([status, snapshots]) => {
        if (!live) return;
        const now = new Map<string, string>();
        const put = (id: string, kind: 'error' | 'warning' | 'info', text: string): void => {
          now.set(id, text);
          if (shown.get(id) !== text) show({ id, kind, text });
        };
        if (status.status === 'fulfilled') {
          const s = status.value;
          for (const a of s.alerts) {
            // A folder that is gone is an error now, not a matter of waiting: nothing can arrive.
            put(`alert-${a.sourceId}-${a.kind}`, a.kind === 'folder' ? 'error' : 'warning', `${a.sourceName}: ${a.message}`);
          }
          if (s.deletedOnPhone > 0) {
            const n = s.deletedOnPhone;
            put('deleted-on-phone', 'info', `${countNoun(n, 'message')} you deleted on your phone ${nounFor(n, 'is', 'are')} still here.`);
          }
        }
        // Scheduled snapshots that are overdue or failing: the vault itself is not backed up.
        if (snapshots.status === 'fulfilled' && snapshots.value.alert !== null)
          put('snapshots', snapshots.value.state === 'failing' ? 'error' : 'warning', snapshots.value.alert);
        // An alert that cleared (a backup arrived) goes away without a reload; one whose feed
        // failed to load this time stays until it loads again.
        for (const [id, text] of shown) {
          if (now.has(id)) continue;
          const feedFailed = id === 'snapshots' ? snapshots.status === 'rejected' : status.status === 'rejected';
          if (feedFailed) now.set(id, text);
          else dismiss(id);
        }
        shown = now;
      });
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [show, dismiss]);
  return null;
}
