/**
 * Single sign-on routes (docs/api.md "Single sign-on", docs/security.md): the login page's
 * choices, the redirect to the OpenID provider and its return. Both ends are top-level browser
 * navigations, so they answer with redirects, never JSON: a failure goes back to
 * `/login?error=CODE`, which the login page explains.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OidcCallbackQuery, type ResponseOf, type SsoError } from '../../api-contract/index.js';
import type { ControlStore } from '../../store/database.js';
import { createSession, purgeExpiredSessions } from '../../vault/auth/sessions.js';
import type { VaultConfig } from '../../vault/config.js';
import { accountFor } from '../../vault/oidc/accounts.js';
import { PENDING_LOGIN_TTL_MS, savePendingLogin, takePendingLogin } from '../../vault/oidc/pending-logins.js';
import { oidcSettings, passwordLoginAllowed, type OidcSettings } from '../../vault/oidc/settings.js';
import { OidcDeniedError, OidcRelyingParty } from './oidc-client.js';
import { setSessionCookies } from './routes.js';

export interface OidcRouteOptions {
  control: ControlStore;
  config: VaultConfig;
  sessionTtlMs: number;
  secureCookies: boolean;
  /** For /start, which writes a row per request: per client address per window. */
  rateLimit: { max: number; timeWindow: number };
}

/**
 * The state again, held by the browser that started the login. SameSite=Lax, not Strict: the
 * provider's redirect back is a cross-site navigation, on which a Strict cookie is not sent.
 */
export const STATE_COOKIE = 'tv_oidc_state';
const CALLBACK_PATH = '/api/auth/oidc/callback';

function toLogin(reply: FastifyReply, code: SsoError): FastifyReply {
  return reply.redirect(`/login?error=${code}`, 302);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The settings, or the reason there are none usable (logged: the admin must fix them). */
async function settingsOr(config: VaultConfig, log: FastifyBaseLogger): Promise<OidcSettings | SsoError> {
  try {
    return (await oidcSettings(config)) ?? 'sso_off';
  } catch (e) {
    log.error({ err: e }, 'single sign-on is misconfigured');
    return 'sso_unavailable';
  }
}

export function oidcRoutes(app: FastifyInstance, options: OidcRouteOptions): void {
  const { control, config } = options;
  const rp = new OidcRelyingParty();

  app.get('/api/auth/methods', { config: { public: true } }, async (): Promise<ResponseOf<'GET /api/auth/methods'>> => {
    const label = (await config.get('oidc.issuer')) === undefined ? undefined : ((await config.get('oidc.button-label')) ?? 'single sign-on');
    return { password: await passwordLoginAllowed(config), sso: label === undefined ? null : { label } };
  });

  app.get('/api/auth/oidc/start', { config: { public: true, rateLimit: options.rateLimit } }, async (request, reply) => {
    const settings = await settingsOr(config, request.log);
    if (typeof settings === 'string') return toLogin(reply, settings);
    // The address the browser used (the host check has vetted it), unless a reverse proxy needs another.
    const redirectUri = settings.redirectUri ?? `${request.protocol}://${request.host}${CALLBACK_PATH}`;
    let started;
    try {
      started = await rp.start(settings, redirectUri);
    } catch (e) {
      request.log.error({ err: e }, 'the OpenID provider could not be reached');
      return toLogin(reply, 'sso_unavailable');
    }
    await savePendingLogin(control, started.pending);
    reply.setCookie(STATE_COOKIE, started.pending.state, { path: CALLBACK_PATH, httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: PENDING_LOGIN_TTL_MS / 1000 });
    return reply.redirect(started.url.href, 302);
  });

  app.get(CALLBACK_PATH, { config: { public: true } }, async (request, reply) => {
    const query = OidcCallbackQuery.parse(request.query);
    const held = request.cookies[STATE_COOKIE];
    reply.clearCookie(STATE_COOKIE, { path: CALLBACK_PATH });
    // A callback from another browser (or a replay after the cookie went) never reaches the provider.
    if (query.state === undefined || held === undefined || !sameText(query.state, held)) return toLogin(reply, 'sso_expired');
    const pending = await takePendingLogin(control, query.state);
    if (pending === undefined) return toLogin(reply, 'sso_expired');
    const settings = await settingsOr(config, request.log);
    if (typeof settings === 'string') return toLogin(reply, settings);
    let who;
    try {
      who = await rp.finish(settings, pending, rawQuery(request));
    } catch (e) {
      if (e instanceof OidcDeniedError) return toLogin(reply, 'sso_denied');
      request.log.warn({ err: e }, 'a single sign-on answer was refused');
      return toLogin(reply, 'sso_failed');
    }
    const user = await accountFor(control, settings, who);
    if (typeof user === 'string') {
      request.log.warn({ issuer: who.issuer, sub: who.sub, refusal: user }, 'a single sign-on login was refused');
      return toLogin(reply, user);
    }
    await purgeExpiredSessions(control);
    setSessionCookies(reply, await createSession(control, user, options.sessionTtlMs), options.secureCookies);
    return reply.redirect('/', 302);
  });
}

function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at === -1 ? '' : request.url.slice(at);
}
