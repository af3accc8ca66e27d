import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export interface Banner {
  /** Same id replaces the earlier banner (e.g. one per alert source). */
  id: string;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

interface BannerApi {
  banners: Banner[];
  show: (b: Banner) => void;
  dismiss: (id: string) => void;
}

const BannerContext = createContext<BannerApi>({ banners: [], show: () => undefined, dismiss: () => undefined });

/** The app-wide notices under the header: any part of the app (alerts, jobs) can push one. */
export function useBanners(): BannerApi {
  return useContext(BannerContext);
}

export function BannerProvider({ children }: { children: ReactNode }): ReactNode {
  const [banners, setBanners] = useState<Banner[]>([]);
  const show = useCallback((b: Banner) => {
    setBanners((prev) => [...prev.filter((x) => x.id !== b.id), b]);
  }, []);
  const dismiss = useCallback((id: string) => {
    setBanners((prev) => prev.filter((x) => x.id !== id));
  }, []);
  const api = useMemo(() => ({ banners, show, dismiss }), [banners, show, dismiss]);
  return <BannerContext.Provider value={api}>{children}</BannerContext.Provider>;
}

export function BannerArea(): ReactNode {
  const { banners, dismiss } = useBanners();
  return (
    <div className="banners" role="region" aria-label="Notices" aria-live="polite">
      {banners.map((b) => (
        <div key={b.id} className={`banner banner-${b.kind}`} role={b.kind === 'error' ? 'alert' : 'status'}>
          <span>{b.text}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss notice"
            onClick={() => {
              dismiss(b.id);
            }}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
