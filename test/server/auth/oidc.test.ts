/**
 * Single sign-on against a real OpenID provider (panva's oidc-provider on 127.0.0.1) and a real
 * Textvault server, over real sockets: the provider's redirects, login and consent pages, the
 * code exchange, the ID token's signature, issuer, audience, expiry and nonce, and the rules for
 * which account a provider user becomes (docs/security.md "Single sign-on").
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openControlStore } from '../../../src/store/database.js';
import { CONTROL_DB_FILE } from '../../../src/vault/control.js';
import { createAccount } from '../../../src/vault/auth/users.js';
import { Vault } from '../../../src/vault/vault.js';
import { tempDir } from '../../helpers/temp.js';
import { Client, OWNER, ownerClient, startServer, type TestServer } from '../harness.js';
import { Browser } from './oidc-browser.js';
import { startProvider, type TestAccount, type TestProvider } from './oidc-provider.js';

const ACCOUNTS: Record<string, TestAccount> = {
  alice: { email: 'Alice@example.org', email_verified: true, groups: ['family'], preferred_username: 'alice' },
  bob: { email: 'bob@example.org', email_verified: true, groups: ['guests'], preferred_username: 'bob' },
  dave: { email: 'dave@example.org', email_verified: true, groups: ['family'] },
  mallory: { email: 'dave@example.org', email_verified: false, groups: ['family'] },
};

const providers: TestProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) await p.close();
});

interface Setup {
  server: TestServer;
  provider: TestProvider;
  /** Changes settings on the running server (it reads them at each login). */
  configure: (settings: Record<string, string>) => Promise<void>;
  /** Runs one single sign-on as `login`; returns where Textvault sent the browser at the end. */
  signIn: (login: string, browser?: Browser) => Promise<string>;
}

async function setUp(settings: Record<string, string> = {}): Promise<Setup> {
  const server = await startServer();
  await ownerClient(server);
  const provider = await startProvider({ redirectUri: `${server.url}/api/auth/oidc/callback`, accounts: ACCOUNTS });
  providers.push(provider);
  const secretFile = path.join(tempDir(), 'client-secret');
  fs.writeFileSync(secretFile, `${provider.clientSecret}\n`);
  const configure = async (more: Record<string, string>): Promise<void> => {
    const vault = await Vault.open(server.dir);
    try {
      for (const [k, v] of Object.entries(more)) await vault.config.set(k, v);
    } finally {
      await vault.close();
    }
  };
  await configure({ 'oidc.issuer': provider.issuer, 'oidc.client-id': provider.clientId, 'oidc.client-secret-file': secretFile, ...settings });
  const signIn = async (login: string, browser = new Browser()): Promise<string> => {
    const end = await browser.follow(`${server.url}/api/auth/oidc/start`, login, (next) => next.origin === server.url && !next.pathname.startsWith('/api/'));
    return new URL(end.url).href.slice(server.url.length);
  };
  return { server, provider, configure, signIn };
}

/** The Textvault session a browser holds, as GET /api/session answers it. */
async function sessionOf(server: TestServer, browser: Browser): Promise<{ status: number; username?: string }> {
  const client = new Client(server.url);
  for (const [k, v] of browser.jar(server.url)) client.cookies.set(k, v);
  const res = await client.get('/api/session');
  return res.status === 200 ? { status: 200, username: ((await res.json()) as { username: string }).username } : { status: res.status };
}

async function withControl<T>(server: TestServer, run: (control: Awaited<ReturnType<typeof openControlStore>>) => Promise<T>): Promise<T> {
  const control = await openControlStore(path.join(server.dir, CONTROL_DB_FILE));
  try {
    return await run(control);
  } finally {
    await control.close();
  }
}

describe('single sign-on (OpenID Connect)', () => {
  it('signs a provider user in: PKCE, state and nonce sent; the session works; the next login finds the same account', async () => {
    const { server, provider, signIn } = await setUp({ 'oidc.auto-provision': 'true', 'oidc.allowed-groups': 'family', 'oidc.button-label': 'Authentik' });
    const anon = new Client(server.url);
    expect(await anon.json('/api/auth/methods')).toEqual({ password: true, sso: { label: 'Authentik' } });

    const start = await anon.request('GET', '/api/auth/oidc/start', { redirect: 'manual' });
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location') ?? '');
    expect(to.origin).toBe(provider.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get('redirect_uri')).toBe(`${server.url}/api/auth/oidc/callback`);
    const stateCookie = start.headers.getSetCookie().find((c) => c.startsWith('tv_oidc_state='));
    expect(stateCookie).toMatch(/HttpOnly/i);
    expect(stateCookie).toMatch(/SameSite=Lax/i);

    const browser = new Browser();
    expect(await signIn('alice', browser)).toBe('/');
    expect(await sessionOf(server, browser)).toEqual({ status: 200, username: 'alice' });
    const again = new Browser();
    expect(await signIn('alice', again)).toBe('/');
    expect(await sessionOf(server, again)).toEqual({ status: 200, username: 'alice' });
    await withControl(server, async (control) => {
      expect(await control.db.selectFrom('users').select(['username', 'email']).orderBy('id').execute()).toEqual([
        { username: 'owner', email: null },
        { username: 'alice', email: 'alice@example.org' },
      ]);
      expect(await control.db.selectFrom('oidc_identities').select(['issuer', 'sub']).execute()).toEqual([{ issuer: provider.issuer, sub: 'alice' }]);
      // Every pending login was taken by its callback.
      expect(await control.db.selectFrom('oidc_logins').select('state_hash').execute()).toHaveLength(1);
    });
  });

  it('refuses an ID token issued for another client (wrong audience) and an expired one', async () => {
    const { server, provider, signIn } = await setUp({ 'oidc.auto-provision': 'true' });
    provider.tamper = 'audience';
    const browser = new Browser();
    expect(await signIn('alice', browser)).toBe('/login?error=sso_failed');
    expect((await sessionOf(server, browser)).status).toBe(401);
    provider.tamper = 'expired';
    expect(await signIn('alice', browser)).toBe('/login?error=sso_failed');
    expect((await sessionOf(server, browser)).status).toBe(401);
    // The same provider, tokens issued normally: the login works (the failures refetched its metadata).
    provider.tamper = 'none';
    expect(await signIn('alice', browser)).toBe('/');
    expect(await sessionOf(server, browser)).toEqual({ status: 200, username: 'alice' });
  });

  it('takes a state once: a replayed callback, and a callback in a browser that did not start the login, are refused', async () => {
    const { server, signIn } = await setUp({ 'oidc.auto-provision': 'true' });
    const browser = new Browser();
    const callback = await browser.follow(`${server.url}/api/auth/oidc/start`, 'alice', (next) => next.pathname === '/api/auth/oidc/callback');
    const state = new URL(callback.url).searchParams.get('state') ?? '';
    const held = browser.jar(server.url).get('tv_oidc_state');
    expect(held).toBe(state);

    // Another browser (an attacker's link): no state cookie, refused, and the login stays usable.
    const other = new Browser();
    expect((await other.fetch(callback.url)).headers.get('location')).toBe('/login?error=sso_expired');
    expect((await sessionOf(server, other)).status).toBe(401);

    expect((await browser.fetch(callback.url)).headers.get('location')).toBe('/');
    expect(await sessionOf(server, browser)).toEqual({ status: 200, username: 'alice' });
    // The same callback again, its cookie put back: the state was used.
    const replay = new Browser();
    replay.jar(server.url).set('tv_oidc_state', state);
    expect((await replay.fetch(callback.url)).headers.get('location')).toBe('/login?error=sso_expired');
    expect((await sessionOf(server, replay)).status).toBe(401);
    expect(await signIn('alice')).toBe('/');
  });

  it('says so when the user cancels at the provider', async () => {
    const { server } = await setUp({ 'oidc.auto-provision': 'true' });
    const browser = new Browser();
    const prompt = await browser.follow(`${server.url}/api/auth/oidc/start`, 'alice', (next) => next.pathname.startsWith('/interaction/'));
    const back = await browser.follow(`${prompt.url}/abort`, 'alice', (next) => next.origin === server.url && !next.pathname.startsWith('/api/'));
    expect(back.url.slice(server.url.length)).toBe('/login?error=sso_denied');
    expect((await sessionOf(server, browser)).status).toBe(401);
  });

  it('refuses a user outside the allowed groups, or without an allowed verified e-mail, at every login', async () => {
    const { server, configure, signIn } = await setUp({ 'oidc.auto-provision': 'true', 'oidc.allowed-groups': 'family, admins' });
    const browser = new Browser();
    expect(await signIn('bob', browser)).toBe('/login?error=sso_not_allowed');
    expect((await sessionOf(server, browser)).status).toBe(401);
    expect(await signIn('alice')).toBe('/');
    await configure({ 'oidc.allowed-groups': 'admins', 'oidc.allowed-emails': 'bob@example.org' });
    expect(await signIn('alice')).toBe('/login?error=sso_not_allowed');
    expect(await signIn('bob')).toBe('/');
    // An address the provider did not verify admits no one.
    await configure({ 'oidc.allowed-emails': 'dave@example.org' });
    expect(await signIn('mallory')).toBe('/login?error=sso_not_allowed');
  });

  it('refuses an unknown user unless auto-provisioning is on', async () => {
    const { server, configure, signIn } = await setUp();
    expect(await signIn('alice')).toBe('/login?error=sso_unknown_user');
    await withControl(server, async (control) => {
      expect(await control.db.selectFrom('users').select('username').execute()).toEqual([{ username: OWNER.username }]);
    });
    await configure({ 'oidc.auto-provision': 'true' });
    const browser = new Browser();
    expect(await signIn('alice', browser)).toBe('/');
    expect(await sessionOf(server, browser)).toEqual({ status: 200, username: 'alice' });
  });

  it('links to an existing account by e-mail only when allowed and only when the provider verified it', async () => {
    const { server, configure, signIn } = await setUp();
    await withControl(server, (control) => createAccount(control, { username: 'david', password: null, email: 'Dave@Example.org' }));
    expect(await signIn('dave')).toBe('/login?error=sso_unknown_user');
    await configure({ 'oidc.link-by-email': 'true' });
    expect(await signIn('mallory')).toBe('/login?error=sso_unknown_user');
    const browser = new Browser();
    expect(await signIn('dave', browser)).toBe('/');
    expect(await sessionOf(server, browser)).toEqual({ status: 200, username: 'david' });
    // Linked by sub from now on, whatever the setting.
    await configure({ 'oidc.link-by-email': 'false' });
    expect(await signIn('dave')).toBe('/');
  });

  it('refuses a disabled user, and a session of theirs no longer works', async () => {
    const { server, signIn } = await setUp({ 'oidc.auto-provision': 'true' });
    const browser = new Browser();
    expect(await signIn('alice', browser)).toBe('/');
    await withControl(server, (control) => control.db.updateTable('users').set({ disabled_at: Date.now() }).where('username', '=', 'alice').execute());
    expect(await signIn('alice')).toBe('/login?error=sso_disabled');
    expect((await sessionOf(server, browser)).status).toBe(401);
  });

  it('refuses password login when it is turned off and single sign-on is set up', async () => {
    const { server, configure } = await setUp();
    const anon = new Client(server.url);
    expect((await anon.login()).status).toBe(200);
    await configure({ 'oidc.password-login': 'false' });
    expect(await anon.json('/api/auth/methods')).toEqual({ password: false, sso: { label: 'single sign-on' } });
    const refused = await new Client(server.url).login();
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('password_login_off');
  });
});
