/**
 * Setup (the first account, with the one-time token printed at start), login, logout, session.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Credentials, Setup, type ResponseOf } from '../../api-contract/index.js';
import type { ControlStore } from '../../store/database.js';
import type { VaultConfig } from '../../vault/config.js';
import { passwordLoginAllowed } from '../../vault/oidc/settings.js';
import { createSession, endSession, purgeExpiredSessions, type Session } from '../../vault/auth/sessions.js';
import { addFirstUser, checkCredentials, userCount } from '../../vault/auth/users.js';
import { errorBody } from '../errors.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './guard.js';
import { LoginThrottle } from './login-throttle.js';

export interface AuthOptions {
  control: ControlStore;
  /** The home vault's settings: whether password login is on (oidc.password-login). */
  config: VaultConfig;
  sessionTtlMs: number;
  /** The one-time setup token; null when the server started with an account already there. */
  setupToken: string | null;
  /**
   * Setup: attempts per client address per window. Login: failed logins per account per window
   * (and 3 x max per address; login-throttle.ts); a right password is let through unless its
   * account is locked.
   */
  loginRateLimit: { max: number; windowMs: number };
  /** Mark cookies Secure (when served over HTTPS, e.g. behind a TLS reverse proxy). */
  secureCookies: boolean;
}

/** The session cookie (httpOnly) and the CSRF cookie the app's script reads: a login's outcome. */
export function setSessionCookies(reply: FastifyReply, s: Session, secure: boolean): void {
  const common = { path: '/', sameSite: 'strict' as const, secure, expires: new Date(s.expiresAt) };
  reply.setCookie(SESSION_COOKIE, s.token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...common, httpOnly: false });
}

export function authRoutes(app: FastifyInstance, options: AuthOptions): void {
  const { control } = options;
  let setupToken = options.setupToken;
  const rateLimit = { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.windowMs };
  const throttle = new LoginThrottle({ accountMax: options.loginRateLimit.max, addressMax: 3 * options.loginRateLimit.max, windowMs: options.loginRateLimit.windowMs });

  app.get('/api/setup', { config: { public: true } }, async (): Promise<ResponseOf<'GET /api/setup'>> => ({ needed: setupToken !== null && (await userCount(control)) === 0 }));

  app.post('/api/setup', { config: { public: true, rateLimit } }, async (request, reply) => {
    const body = Setup.parse(request.body);
    const expected = setupToken;
    const sent = Buffer.from(body.token);
    if (expected === null || sent.length !== Buffer.byteLength(expected) || !timingSafeEqual(sent, Buffer.from(expected)))
      return reply.status(403).send(errorBody('bad_setup_token', 'the setup token is wrong or was already used: use the link the server printed at start'));
    const user = await addFirstUser(control, body.username, body.password);
    if (user === undefined) return reply.status(409).send(errorBody('already_set_up', 'an account exists already: log in instead'));
    setupToken = null;
    const session = await createSession(control, user, options.sessionTtlMs);
    setSessionCookies(reply, session, options.secureCookies);
    return reply.status(201).send({ username: user.username, csrfToken: session.csrfToken, role: user.role } satisfies ResponseOf<'POST /api/setup'>);
  });

  // Failed logins only are counted, per account and per address (login-throttle.ts), not every request.
  app.post('/api/login', { config: { public: true } }, async (request, reply) => {
    const body = Credentials.parse(request.body);
    if (!(await passwordLoginAllowed(options.config)))
      return reply.status(403).send(errorBody('password_login_off', 'password login is turned off on this server: use the single sign-on button'));
    const refused = throttle.refusal(body.username, request.ip);
    if (refused !== undefined) {
      const seconds = Math.ceil(refused.retryAfterMs / 1000);
      const why =
        refused.reason === 'account_locked'
          ? `too many failed logins to this account: it is locked for ${seconds} s`
          : `too many failed logins from this address: try again in ${seconds} s`;
      return reply.status(429).header('retry-after', String(seconds)).send(errorBody('rate_limited', why));
    }
    const user = await checkCredentials(control, body.username, body.password);
    if (user === undefined) {
      throttle.failed(body.username, request.ip);
      return reply.status(401).send(errorBody('bad_credentials', 'wrong user name or password'));
    }
    throttle.succeeded(request.ip);
    // Logins are rare: a good moment to drop sessions that ran out.
    await purgeExpiredSessions(control);
    const session = await createSession(control, user, options.sessionTtlMs);
    setSessionCookies(reply, session, options.secureCookies);
    return { username: user.username, csrfToken: session.csrfToken, role: user.role } satisfies ResponseOf<'POST /api/login'>;
  });

  app.post('/api/logout', { config: { access: 'account' } }, async (request, reply) => {
    if (request.session !== null) await endSession(control, request.session.token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/session', { config: { access: 'account' } }, (request) => {
    const s = request.session;
    // The guard has already refused anonymous requests; this keeps the type honest.
    if (s === null) return errorBody('unauthenticated', 'log in first');
    return { username: s.user.username, csrfToken: s.csrfToken, role: s.user.role } satisfies ResponseOf<'GET /api/session'>;
  });
}
