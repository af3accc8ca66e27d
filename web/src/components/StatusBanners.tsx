import { useEffect, type ReactNode } from 'react';
import { apiGet } from '../api/client';
import type { VaultStatus } from '../api/types';
import { countNoun, nounFor } from '../format';
import { useBanners } from './Banners';

/** How often the open alerts are fetched again while the app is open. */
const REFRESH_MS = 60_000;

/**
 * Pushes the vault's open source alerts and the "deleted on your phone" count into the banner
 * area. Renders nothing itself; a server without sources (404) simply shows no banner.
 */
export function StatusBanners(): ReactNode {
  const { show, dismiss } = useBanners();
  useEffect(() => {
    let live = true;
    // id -> text: a notice is pushed again only when its text changed, so one the user dismissed stays dismissed.
    let shown = new Map<string, string>();
    const refresh = (): void => {
      apiGet<VaultStatus>('/api/status')
        .then((s) => {
          if (!live) return;
          const now = new Map<string, string>();
          const put = (id: string, kind: 'error' | 'warning' | 'info', text: string): void => {
            now.set(id, text);
            if (shown.get(id) !== text) show({ id, kind, text });
          };
          for (const a of s.alerts) {
            // A folder that is gone is an error now, not a matter of waiting: nothing can arrive.
            put(`alert-${a.sourceId}-${a.kind}`, a.kind === 'folder' ? 'error' : 'warning', `${a.sourceName}: ${a.message}`);
          }
          if (s.deletedOnPhone > 0) {
            const n = s.deletedOnPhone;
            put('deleted-on-phone', 'info', `${countNoun(n, 'message')} you deleted on your phone ${nounFor(n, 'is', 'are')} still here.`);
          }
          // An alert that cleared (a backup arrived) goes away without a reload.
          for (const id of shown.keys()) if (!now.has(id)) dismiss(id);
          shown = now;
        })
        .catch(() => undefined);
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
