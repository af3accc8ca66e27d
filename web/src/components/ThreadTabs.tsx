import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';

/** "Messages | Media" under a conversation's header: the thread and its gallery (issue 25). */
export function ThreadTabs({ id }: { id: string }): ReactNode {
  const base = `/c/${encodeURIComponent(id)}`;
  return (
    <nav className="thread-tabs" aria-label="Conversation views">
      <NavLink to={base} end>
        Messages
      </NavLink>
      <NavLink to={`${base}/media`}>Media</NavLink>
    </nav>
  );
}
