/**
 * The single sign-on settings (`textvault config set oidc.* ...`, config.ts), read at each login
 * so a change applies without a restart. The client secret is read from the file the admin
 * named, never kept in the vault: a copy of the database does not carry it.
 */
import fs from 'node:fs/promises';
import type { VaultConfig } from '../config.js';

export class OidcConfigError extends Error {
  override readonly name = 'OidcConfigError';
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Undefined: a public client (PKCE only, no secret). */
  clientSecret: string | undefined;
  /** Undefined: the address the browser used + /api/auth/oidc/callback. */
  redirectUri: string | undefined;
  allowedGroups: string[];
  /** Lower case. */
  allowedEmails: string[];
  linkByEmail: boolean;
  autoProvision: boolean;
  buttonLabel: string;
}

const list = (v: string | undefined): string[] => (v === undefined || v === '' ? [] : v.split(','));

/** Whether single sign-on is set up (an issuer is set); the button shows then. */
export async function oidcEnabled(config: VaultConfig): Promise<boolean> {
  return (await config.get('oidc.issuer')) !== undefined;
}

/**
 * Password login is refused only when the admin turned it off *and* single sign-on is set up:
 * turning it off alone must not lock everyone out.
 */
export async function passwordLoginAllowed(config: VaultConfig): Promise<boolean> {
  return (await config.get('oidc.password-login')) !== 'false' || !(await oidcEnabled(config));
}

/** The settings, or null when single sign-on is not set up. Throws OidcConfigError when incomplete. */
export async function oidcSettings(config: VaultConfig): Promise<OidcSettings | null> {
  const all = await config.all();
  const issuer = all['oidc.issuer'];
  if (issuer === undefined) return null;
  const clientId = all['oidc.client-id'];
  if (clientId === undefined) throw new OidcConfigError('oidc.issuer is set but oidc.client-id is not: textvault config set oidc.client-id ID');
  const secretFile = all['oidc.client-secret-file'];
  let clientSecret: string | undefined;
  if (secretFile !== undefined) {
    try {
      clientSecret = (await fs.readFile(secretFile, 'utf8')).trim();
    } catch (e) {
      throw new OidcConfigError(`cannot read oidc.client-secret-file ${secretFile}: ${(e as Error).message}`);
    }
    if (clientSecret === '') throw new OidcConfigError(`oidc.client-secret-file ${secretFile} is empty`);
  }
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri: all['oidc.redirect-uri'],
    allowedGroups: list(all['oidc.allowed-groups']),
    allowedEmails: list(all['oidc.allowed-emails']),
    linkByEmail: all['oidc.link-by-email'] === 'true',
    autoProvision: all['oidc.auto-provision'] === 'true',
    buttonLabel: all['oidc.button-label'] ?? 'single sign-on',
  };
}
