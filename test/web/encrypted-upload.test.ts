/**
 * An encrypted backup uploaded in the web app (issue 22), in Chromium against the real server:
 * the import asks for the password, a wrong one is one clear sentence, the right one imports it.
 * The password is sent with the retried upload only and never stored (the job keeps it in memory).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { abOf, phoneTar } from '../formats/androidbackup/build.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import { loginCookies } from './login.js';

const PASSWORD = 'pässword 1';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-encrypted-'));
  fs.writeFileSync(path.join(dir, 'phone.ab'), abOf(phoneTar(), { password: PASSWORD, rounds: 1000 }));
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.addCookies(await loginCookies(server));
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an encrypted .ab upload asks for its password; a wrong one says so; the right one imports it', async () => {
  await page.goto(`${server.url}/backups`);
  await page.getByLabel('Backup file').setInputFiles(path.join(dir, 'phone.ab'));
  await page.getByRole('button', { name: 'Upload and import' }).click();

  const alert = page.locator('.upload-form [role=alert]');
  await alert.getByText(/is encrypted/).waitFor({ timeout: 30_000 });
  expect(await alert.textContent()).toBe('Import failed: phone.ab is encrypted: enter the password it was made with to import it. Nothing was changed in the archive.');

  await page.getByLabel('Backup password').fill('not it');
  await page.getByRole('button', { name: 'Import with this password' }).click();
  await alert.getByText(/could not be decrypted/).waitFor({ timeout: 30_000 });
  expect(await alert.textContent()).toBe('Import failed: phone.ab could not be decrypted with this password: check it and try again. Nothing was changed in the archive.');
  // Asked again, with an empty field: the wrong password is not kept.
  expect(await page.getByLabel('Backup password').inputValue()).toBe('');

  await page.getByLabel('Backup password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Import with this password' }).click();
  await page.getByText(/Imported phone\.ab: [1-9]\d* new/).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByLabel('Backup password').count()).toBe(0);

  // Neither password is anywhere in the vault's files (jobs table, logs).
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const bytes = fs.readFileSync(p);
        if (bytes.includes(Buffer.from(PASSWORD)) || bytes.includes(Buffer.from('not it'))) found.push(p);
      }
    }
  };
  walk(path.join(dir, 'vault'));
  expect(found).toEqual([]);
  expect(pageErrors).toEqual([]);
});
