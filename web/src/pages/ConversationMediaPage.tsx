import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useApi } from '../api/hooks';
import type { Conversation } from '../api/types';
import { GalleryGrid } from '../components/GalleryGrid';
import { KindFilter, kindParam } from '../components/GalleryFilters';
import { ThreadTabs } from '../components/ThreadTabs';

/** The Media tab beside a thread (issue 25): its photos, videos and files as a grid, and all of them as one ZIP. */
export function ConversationMediaPage(): ReactNode {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const kind = kindParam(params.get('kind'));
  const conv = useApi<Conversation>(`/api/conversations/${encodeURIComponent(id)}`);
  const c = conv.data;
  const conversation = Number(id);
  return (
    <section className="gallery-page" aria-labelledby="thread-title">
      <header className="page-header thread-header">
        <Link to="/" className="back-link" aria-label="Back to conversations">
          ‹
        </Link>
        <div className="thread-title">
          <h1 id="thread-title">{c?.title ?? 'Conversation'}</h1>
          {c !== null && <p className="muted">{c.members.map((mb) => (mb.name === null ? mb.address : `${mb.name} (${mb.address})`)).join(', ')}</p>}
        </div>
        {/* A plain link: the server streams the ZIP as a download; nothing to wait for in the page. */}
        <a className="button-link" href={`/api/conversations/${encodeURIComponent(id)}/media.zip`} download>
          Download all media (ZIP)
        </a>
      </header>
      <ThreadTabs id={id} />
      {conv.error !== null && <p className="error" role="alert">{conv.error}</p>}
      <div className="gallery-filters">
        <KindFilter
          value={kind}
          onChange={(k) => {
            setParams(k === '' ? {} : { kind: k });
          }}
        />
      </div>
      {Number.isInteger(conversation) && conversation > 0 && (
        <GalleryGrid
          key={`${id}|${kind}`}
          scope={{ conversation, kind: kind === '' ? undefined : kind }}
          emptyText={kind === '' ? 'No photos, videos or attachments in this conversation.' : 'Nothing of this type in this conversation.'}
        />
      )}
    </section>
  );
}
