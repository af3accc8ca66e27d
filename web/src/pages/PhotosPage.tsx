import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { GalleryGrid } from '../components/GalleryGrid';
import { KindFilter, kindParam } from '../components/GalleryFilters';

/** Every photo, video and attachment of the archive (issue 25), filtered by type and person; the filters are in the URL. */
export function PhotosPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const kind = kindParam(params.get('kind'));
  const contact = params.get('contact') ?? '';
  const [person, setPerson] = useState(contact);

  const go = (next: { kind: string; contact: string }): void => {
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')));
  };
  const filterPerson = (e: SyntheticEvent): void => {
    e.preventDefault();
    go({ kind, contact: person.trim() });
  };
  const filtered = kind !== '' || contact !== '';
  return (
    <section className="gallery-page" aria-labelledby="photos-title">
      <header className="page-header">
        <h1 id="photos-title">Photos</h1>
      </header>
      <div className="gallery-filters">
        <KindFilter
          value={kind}
          onChange={(k) => {
            go({ kind: k, contact });
          }}
        />
        <form className="search-form" onSubmit={filterPerson} aria-label="Filter by person">
          <label className="grow">
            Person
            <input
              value={person}
              onChange={(e) => {
                setPerson(e.target.value);
              }}
              placeholder="name or number"
            />
          </label>
          <button type="submit">Filter</button>
          {contact !== '' && (
            <button
              type="button"
              onClick={() => {
                setPerson('');
                go({ kind, contact: '' });
              }}
            >
              Clear
            </button>
          )}
        </form>
      </div>
      <GalleryGrid
        key={`${kind}|${contact}`}
        scope={{ kind: kind === '' ? undefined : kind, contact: contact === '' ? undefined : contact }}
        emptyText={filtered ? 'Nothing matches these filters.' : 'No photos, videos or attachments in the archive yet.'}
      />
    </section>
  );
}
