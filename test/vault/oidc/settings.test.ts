import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/vault/config.js';
import { OidcConfigError, oidcSettings, passwordLoginAllowed } from '../../../src/vault/oidc/settings.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

const vault = useVaults();

describe('single sign-on settings', () => {
  it('are off until an issuer is set, and need a client id then', async () => {
    const v = await vault();
    expect(await oidcSettings(v.config)).toBeNull();
    await v.config.set('oidc.issuer', 'https://auth.example.org/realms/home');
    await expect(oidcSettings(v.config)).rejects.toThrow(OidcConfigError);
    await v.config.set('oidc.client-id', 'textvault');
    await v.config.set('oidc.allowed-groups', ' family ,, admins ');
    await v.config.set('oidc.allowed-emails', 'Alice@Example.org');
    expect(await oidcSettings(v.config)).toEqual({
      issuer: 'https://auth.example.org/realms/home',
      clientId: 'textvault',
      clientSecret: undefined,
      redirectUri: undefined,
      allowedGroups: ['family', 'admins'],
      allowedEmails: ['alice@example.org'],
      linkByEmail: false,
      autoProvision: false,
      buttonLabel: 'single sign-on',
    });
  });

  it('read the client secret from its file at each use, never from the vault', async () => {
    const v = await vault();
    const file = path.join(tempDir(), 'secret');
    await v.config.set('oidc.issuer', 'https://auth.example.org');
    await v.config.set('oidc.client-id', 'textvault');
    await v.config.set('oidc.client-secret-file', file);
    await expect(oidcSettings(v.config)).rejects.toThrow(/cannot read oidc.client-secret-file/);
    fs.writeFileSync(file, 'first secret\n');
    expect((await oidcSettings(v.config))?.clientSecret).toBe('first secret');
    fs.writeFileSync(file, 'rotated');
    expect((await oidcSettings(v.config))?.clientSecret).toBe('rotated');
    expect(JSON.stringify(await v.config.all())).not.toContain('rotated');
    await expect(v.config.set('oidc.client-secret-file', 'relative/secret')).rejects.toThrow(ConfigError);
  });

  it('turn password login off only while single sign-on is set up', async () => {
    const v = await vault();
    await v.config.set('oidc.password-login', 'false');
    expect(await passwordLoginAllowed(v.config)).toBe(true);
    await v.config.set('oidc.issuer', 'https://auth.example.org');
    expect(await passwordLoginAllowed(v.config)).toBe(false);
  });
});
