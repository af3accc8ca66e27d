import { createContext, useContext } from 'react';
import type { Session } from './api/types';

export interface SessionState {
  session: Session | null;
  /** Called after login/setup with the new session, or after logout with null. */
  setSession: (s: Session | null) => void;
}

export const SessionContext = createContext<SessionState>({ session: null, setSession: () => undefined });

export function useSession(): SessionState {
  return useContext(SessionContext);
}
