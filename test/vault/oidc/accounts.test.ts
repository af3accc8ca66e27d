import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openControlStore } from '../../../src/store/database.js';
import { createAccount } from '../../../src/vault/auth/users.js';
import { CONTROL_DB_FILE } from '../../../src/vault/control.js';
import { removeAccount } from '../../../src/vault/household/accounts.js';
import { accountFor, type ProviderUser } from '../../../src/vault/oidc/accounts.js';
import type { OidcSettings } from '../../../src/vault/oidc/settings.js';
import { tempDir } from '../../helpers/temp.js';

const SETTINGS: OidcSettings = {
  issuer: 'https://auth.example.org/',
  clientId: 'textvault',
  clientSecret: undefined,
  redirectUri: undefined,
  allowedGroups: [],
  allowedEmails: [],
  linkByEmail: false,
  autoProvision: true,
  buttonLabel: 'single sign-on',
};
const ALICE: ProviderUser = { issuer: SETTINGS.issuer, sub: 'a1', email: 'alice@example.org', emailVerified: true, groups: [], preferredUsername: 'alice smith' };

describe('the account a provider user signs in as', () => {
  it('is made as a user with a valid, free name; a removed account takes its link along, so the next login provisions afresh', async () => {
    const home = tempDir();
    const control = await openControlStore(path.join(home, CONTROL_DB_FILE));
    try {
      await createAccount(control, { username: 'alicesmith', password: null });
      const first = await accountFor(control, SETTINGS, ALICE);
      expect(first).toEqual({ id: 2, username: 'alicesmith-2', role: 'user' });
      expect(await accountFor(control, SETTINGS, ALICE)).toEqual(first);
      await removeAccount(control, home, 'alicesmith-2');
      expect(await control.db.selectFrom('oidc_identities').selectAll().execute()).toEqual([]);
      expect(await accountFor(control, SETTINGS, ALICE)).toEqual({ id: 3, username: 'alicesmith-2', role: 'user' });
    } finally {
      await control.close();
    }
  });
});
