/**
 * A real OpenID provider for the tests: panva's oidc-provider (a certified implementation) on
 * 127.0.0.1, with its development login and consent pages (any password signs in as the typed
 * login) and one client registered for the Textvault server's callback.
 *
 * `tamper` changes how the next ID tokens are issued, through the provider's own signing code:
 * for another client (wrong audience) or already expired. Nothing else about the provider changes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Client as OidcClient } from 'oidc-provider';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  groups?: string[];
  preferred_username?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  tamper: 'none' | 'audience' | 'expired';
  close: () => Promise<void>;
}

export async function startProvider(options: { redirectUri: string; accounts: Record<string, TestAccount> }): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'textvault';
  const clientSecret = 'a client secret only the test knows';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [options.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { email: ['email', 'email_verified'], groups: ['groups'], profile: ['preferred_username'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...options.accounts[id] }) }),
    cookies: { keys: ['a cookie key only the test knows'] },
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
  });
  const running: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    tamper: 'none',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this) below
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = function (this: InstanceType<typeof provider.IdToken>, context) {
    if (context.use !== 'idtoken' || running.tamper === 'none') return issue.call(this, context);
    if (running.tamper === 'expired') return issue.call(this, { ...context, expiresAt: Math.floor(Date.now() / 1000) - 600 });
    // Signed for another client of the same provider: what a token stolen from another app looks like.
    const real = this.client;
    const other = new Proxy(real, { get: (target, p) => (p === 'clientId' ? 'another-app' : bound(target, p)) });
    Object.defineProperty(this, 'client', { value: other, configurable: true });
    return issue.call(this, context);
  };
  const handle = provider.callback();
  server.on('request', (req, res) => {
    void handle(req, res);
  });
  return running;
}

function bound(target: OidcClient, p: string | symbol): unknown {
  const v: unknown = Reflect.get(target, p);
  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
}
