/**
 * Accounts and sessions (docs/api.md "Auth").
 */
import { z } from 'zod';

export const Health = z.strictObject({ ok: z.literal(true), version: z.string() });
export const SetupNeeded = z.strictObject({ needed: z.boolean() });
export const Credentials = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
/** POST /api/setup: the one-time token the server printed, and the first account. */
export const Setup = Credentials.extend({ token: z.string().min(1).max(256) });
/** Login, setup and GET /api/session: who is signed in and the token for X-CSRF-Token. */
export const Session = z.strictObject({ username: z.string(), csrfToken: z.string(), role: z.enum(['admin', 'user']) });

/** GET /api/auth/methods: what the login page offers. `sso` is null when single sign-on is not set up. */
export const AuthMethods = z.strictObject({ password: z.boolean(), sso: z.strictObject({ label: z.string() }).nullable() });
/** The provider's answer to GET /api/auth/oidc/callback (OpenID Connect authorization response). */
export const OidcCallbackQuery = z.object({ code: z.string().max(4096).optional(), state: z.string().max(512).optional(), error: z.string().max(256).optional() });
/**
 * Why a single sign-on failed: the `error` of the `/login?error=` redirect, which the login page
 * explains (web/src/pages/sso-errors.ts).
 */
export const SSO_ERRORS = ['sso_off', 'sso_unavailable', 'sso_expired', 'sso_denied', 'sso_failed', 'sso_not_allowed', 'sso_unknown_user', 'sso_disabled'] as const;

export type AuthMethods = z.infer<typeof AuthMethods>;
export type SsoError = (typeof SSO_ERRORS)[number];
export type Health = z.infer<typeof Health>;
export type Session = z.infer<typeof Session>;
export type Credentials = z.infer<typeof Credentials>;
export type Setup = z.infer<typeof Setup>;
