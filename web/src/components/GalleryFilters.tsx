import type { ReactNode } from 'react';
import type { GalleryKind } from '../api/types';

/** The type filter's choices, in the order a phone's gallery offers them ('' is everything). */
export const GALLERY_FILTERS: readonly (readonly ['' | GalleryKind, string])[] = [
  ['', 'All'],
  ['image', 'Photos'],
  ['video', 'Videos'],
  ['audio', 'Audio'],
  ['vcard', 'Contacts'],
  ['other', 'Other files'],
];

/** The `kind` URL parameter as a filter: anything unknown (an old bookmark, a typo) is "All". */
export function kindParam(value: string | null): '' | GalleryKind {
  return GALLERY_FILTERS.find(([k]) => k !== '' && k === value)?.[0] ?? '';
}

/** The type filter as a row of toggle buttons (one pressed): a tap filters at once. */
export function KindFilter({ value, onChange }: { value: string; onChange: (kind: string) => void }): ReactNode {
  return (
    <div className="kind-filter" role="group" aria-label="Type">
      {GALLERY_FILTERS.map(([kind, label]) => (
        <button
          key={kind}
          type="button"
          aria-pressed={value === kind}
          onClick={() => {
            onChange(kind);
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
