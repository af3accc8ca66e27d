import type { SsoError } from '../api/types';

/** What the login page says when single sign-on sent the browser back with `?error=` (docs/api.md). */
const MESSAGES: Record<SsoError, string> = {
  sso_off: 'Single sign-on is not set up on this server.',
  sso_unavailable: 'The sign-in provider could not be reached, or single sign-on is set up wrongly. Try again later or ask the administrator.',
  sso_expired: 'That sign-in link expired or was already used. Start again with the button below.',
  sso_denied: 'The sign-in provider did not sign you in (cancelled or refused).',
  sso_failed: "The sign-in provider's answer could not be verified. Try again; if it keeps failing, ask the administrator.",
  sso_not_allowed: 'Your account at the sign-in provider is not allowed to use this archive. Ask the administrator to add you to an allowed group.',
  sso_unknown_user: 'There is no Textvault account for you yet. Ask the administrator to create one or to link your sign-in.',
  sso_disabled: 'Your Textvault account is disabled. Ask the administrator.',
};

export function ssoErrorMessage(code: string | null): string | null {
  if (code === null) return null;
  return code in MESSAGES ? MESSAGES[code as SsoError] : 'Single sign-on failed.';
}
