/**
 * The OpenID Connect relying party, on panva's openid-client: it builds the redirect to the
 * provider and checks what comes back (state, PKCE, nonce, issuer, audience, expiry, signature:
 * authorizationCodeGrant does them all; docs/security.md "Single sign-on").
 *
 * The provider's discovery document (and with it the key set, which openid-client caches and
 * refetches when a token names a key it does not know) is fetched once per issuer and client,
 * and fetched again after any failure: a provider that rotated its endpoints or was down at the
 * first attempt does not keep logins failing until a restart.
 */
import { isIP } from 'node:net';
import type { Configuration } from 'openid-client';
import type { PendingLogin } from '../../vault/oidc/pending-logins.js';
import type { ProviderUser } from '../../vault/oidc/accounts.js';
import type { OidcSettings } from '../../vault/oidc/settings.js';

/** Seconds a request to the provider may take. */
const PROVIDER_TIMEOUT_S = 10;

/** Plain http only to a provider on this machine (tests, a provider beside the server). */
function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || (isIP(host) !== 0 && (host === '::1' || host.startsWith('127.')));
}

export class OidcProviderError extends Error {
  override readonly name = 'OidcProviderError';
}

/** The provider answered the login with an error (the user cancelled, or was refused there). */
export class OidcDeniedError extends Error {
  override readonly name = 'OidcDeniedError';
}

// Loaded at the first single sign-on, not with the server: most servers never use it.
let library: Promise<typeof import('openid-client')> | undefined;
const openidClient = (): Promise<typeof import('openid-client')> => (library ??= import('openid-client'));

export class OidcRelyingParty {
  private cached: { key: string; config: Promise<Configuration> } | undefined;

  private async configuration(s: OidcSettings): Promise<Configuration> {
    const key = JSON.stringify([s.issuer, s.clientId, s.clientSecret ?? null]);
    if (this.cached?.key === key) return this.cached.config;
    const client = await openidClient();
    const issuer = new URL(s.issuer);
    if (issuer.protocol === 'http:' && !isLoopback(issuer)) throw new OidcProviderError(`oidc.issuer ${s.issuer} is plain http: use the provider's https address`);
    // openid-client marks allowInsecureRequests deprecated only to make it stand out; it is used
    // for a loopback provider alone (checked above).
    const insecure = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}; // eslint-disable-line @typescript-eslint/no-deprecated
    const config = client.discovery(issuer, s.clientId, s.clientSecret, s.clientSecret === undefined ? client.None() : client.ClientSecretBasic(s.clientSecret), {
      timeout: PROVIDER_TIMEOUT_S,
      ...insecure,
    });
    const entry = { key, config };
    this.cached = entry;
    config.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return config;
  }

  /** Forget the provider's metadata: the next login fetches it again. */
  forget(): void {
    this.cached = undefined;
  }

  /** Where to send the browser, and what its return must match. */
  async start(s: OidcSettings, redirectUri: string): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.configuration(s);
    const client = await openidClient();
    const pending: PendingLogin = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), redirectUri };
    const supported = config.serverMetadata().scopes_supported ?? [];
    // `groups` only where the provider knows it: some refuse a scope they do not support.
    const scope = ['openid', 'email', 'profile', ...(supported.includes('groups') ? ['groups'] : [])].join(' ');
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** Checks the provider's answer and redeems the code; throws when anything does not match. */
  async finish(s: OidcSettings, pending: PendingLogin, query: string): Promise<ProviderUser> {
    const client = await openidClient();
    try {
      const config = await this.configuration(s);
      // The registered redirect URI with the provider's parameters: openid-client sends its
      // origin and path to the token endpoint as redirect_uri, which must equal the one sent at start.
      const current = new URL(pending.redirectUri);
      current.search = query;
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (idToken === undefined) throw new OidcProviderError('the provider sent no ID token');
      // E-mail and groups are in the userinfo answer when the provider keeps the ID token small;
      // openid-client checks that it is about the same sub.
      const info = config.serverMetadata().userinfo_endpoint === undefined ? {} : await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
      const claims: Record<string, unknown> = { ...info, ...idToken };
      return {
        issuer: idToken.iss,
        sub: idToken.sub,
        email: typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined,
        // Some providers send the flag as a string.
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
        groups: groupsOf(claims.groups),
        preferredUsername: typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined,
      };
    } catch (e) {
      this.forget();
      if (e instanceof client.AuthorizationResponseError) throw new OidcDeniedError(`the provider answered ${e.error}: ${e.error_description ?? ''}`);
      throw e;
    }
  }
}

function groupsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [];
}
