/**
 * The login page's single sign-on button in Debian's Chromium: the real server (with the built
 * app from dist/web: `npx vite build web` first) and a real OpenID provider (oidc-provider) on
 * 127.0.0.1. The button leads through the provider's login and consent pages back into the app,
 * signed in; a refused login comes back to the login page with its reason. Screenshot of the
 * login page: docs/screenshots/oidc-login.png with UPDATE_SCREENSHOTS=1.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, expect, test } from 'vitest';
import { Vault } from '../../src/vault/vault.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { tempDir } from '../helpers/temp.js';
import { startProvider, type TestProvider } from '../server/auth/oidc-provider.js';
import { ownerClient, startServer } from '../server/harness.js';
import { launchBrowser } from './harness.js';

const WEB_ROOT = path.resolve(import.meta.dirname, '../../dist/web');
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : tempDir();
const missing = lacks(CHROMIUM);

let provider: TestProvider | undefined;
afterEach(async () => {
  await provider?.close();
});

async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  // The provider's consent page.
  await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
}

test.skipIf(missing)('the login page signs in with the provider button, and shows why a login was refused', async () => {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) throw new Error(`${WEB_ROOT} is missing: run npx vite build web first`);
  const server = await startServer({ webRoot: WEB_ROOT });
  await ownerClient(server);
  provider = await startProvider({
    redirectUri: `${server.url}/api/auth/oidc/callback`,
    accounts: { alice: { email: 'alice@example.org', email_verified: true, groups: ['family'] }, bob: { groups: ['guests'] } },
  });
  const secretFile = path.join(tempDir(), 'client-secret');
  fs.writeFileSync(secretFile, provider.clientSecret);
  const vault = await Vault.open(server.dir);
  const settings = { 'oidc.issuer': provider.issuer, 'oidc.client-id': provider.clientId, 'oidc.client-secret-file': secretFile, 'oidc.button-label': 'Authentik', 'oidc.auto-provision': 'true', 'oidc.allowed-groups': 'family' };
  for (const [k, v] of Object.entries(settings)) await vault.config.set(k, v);
  await vault.close();

  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
    await page.goto(`${server.url}/login`);
    const button = page.getByRole('link', { name: 'Sign in with Authentik' });
    await button.waitFor();
    await expect(page.locator('input[autocomplete="username"]').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oidc-login.png') });

    await button.click();
    await page.waitForURL(`${provider.issuer}/**`);
    await signInAtProvider(page, 'alice');
    await page.waitForURL((u) => u.origin === server.url && u.pathname === '/');
    const session = await page.evaluate(async () => (await fetch('/api/session')).json());
    expect(session).toMatchObject({ username: 'alice' });

    const other = await browser.newPage();
    await other.goto(`${server.url}/login`);
    await other.getByRole('link', { name: 'Sign in with Authentik' }).click();
    await signInAtProvider(other, 'bob');
    await other.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('error') === 'sso_not_allowed');
    await other.getByRole('alert').filter({ hasText: 'not allowed to use this archive' }).waitFor();
  } finally {
    await browser.close();
  }
});
