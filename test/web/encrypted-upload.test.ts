/**
 * An encrypted backup uploaded in the web app (issue 22), in Chromium against the real server:
 * the import asks for the password, a wrong one is one clear sentence, the right one imports it.
 * The upload is kept for the password, which the server seals while the job waits and deletes when
 * it ends: no file of the vault ever holds it. The failed-imports list asks for it too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { abOf, phoneTar } from '../formats/androidbackup/build.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';

const PASSWORD = 'pässword 1';
const WRONG = 'not-it-at-all';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-encrypted-'));
  for (const name of ['phone.ab', 'other.ab', 'third.ab']) fs.writeFileSync(path.join(dir, name), abOf(phoneTar(), { password: PASSWORD, rounds: 1000 }));
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1280, height: 860 } }, { pageErrors }));
}, 120_000);

afterAll(async () => {
  await closeApp(browser, server, dir);
});

/** Files of the vault folder holding any of `secrets` (databases, their WAL, logs, kept uploads). */
function filesHolding(root: string, secrets: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const bytes = fs.readFileSync(p);
        for (const s of secrets) if (bytes.includes(Buffer.from(s))) found.push(`${p}: ${s}`);
      }
    }
  };
  walk(root);
  return found;
}

test('an encrypted .ab upload asks for its password; a wrong one says so; the right one imports the kept upload', async () => {
  await page.goto(`${server.url}/backups`);
  const card = page.locator('.upload-form');
  await card.getByLabel('Backup file').setInputFiles(path.join(dir, 'phone.ab'));
  await card.getByRole('button', { name: 'Upload and import' }).click();

  const prompt = card.locator('.passphrase-prompt');
  await prompt.getByText('This backup is encrypted: enter its password.').waitFor({ timeout: 30_000 });

  await prompt.getByLabel('Backup password').fill(WRONG);
  await prompt.getByRole('button', { name: 'Import with this password' }).click();
  await prompt.getByRole('alert').waitFor({ timeout: 30_000 });
  expect(await prompt.getByRole('alert').textContent()).toBe('phone.ab could not be decrypted with this password: check it and try again.');
  // Asked again, with an empty field: the wrong password is not kept.
  expect(await prompt.getByLabel('Backup password').inputValue()).toBe('');
  // The failed-imports list offers the same (the same job, the same kept file).
  await page.locator('.failed-imports').getByLabel('Password of phone.ab').waitFor({ timeout: 30_000 });

  await prompt.getByLabel('Backup password').fill(PASSWORD);
  await prompt.getByRole('button', { name: 'Import with this password' }).click();
  await card.getByText(/Imported phone\.ab: [1-9]\d* new/).waitFor({ timeout: 30_000 });
  await expect.poll(() => card.locator('.passphrase-prompt').count()).toBe(0);
  // Neither password is anywhere in the vault's files (control.db and its WAL, logs, uploads).
  expect(filesHolding(path.join(dir, 'vault'), [PASSWORD, WRONG])).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('a failed encrypted import in the failed-imports list takes its password there', async () => {
  await page.goto(`${server.url}/backups`);
  const card = page.locator('.upload-form');
  await card.getByLabel('Backup file').setInputFiles(path.join(dir, 'other.ab'));
  await card.getByRole('button', { name: 'Upload and import' }).click();
  await card.getByText('This backup is encrypted: enter its password.').waitFor({ timeout: 30_000 });
  // Come back later: the upload form has forgotten it, the list has not.
  await page.reload();
  const row = page.locator('.failed-imports tr', { hasText: 'other.ab' });
  await row.getByText('This backup is encrypted: enter its password.').waitFor({ timeout: 30_000 });
  await row.getByLabel('Password of other.ab').fill(PASSWORD);
  await row.getByRole('button', { name: 'Import with this password' }).click();
  await row.getByText('Imported with its password').waitFor({ timeout: 30_000 });
  await page.locator('.backups-table').getByText('other.ab').first().waitFor({ timeout: 30_000 });
  expect(filesHolding(path.join(dir, 'vault'), [PASSWORD])).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('the upload form takes the password up front', async () => {
  await page.goto(`${server.url}/backups`);
  const card = page.locator('.upload-form');
  await card.getByLabel('Backup file').setInputFiles(path.join(dir, 'third.ab'));
  await card.getByLabel('Password, if the backup is encrypted (optional)').fill(PASSWORD);
  await card.getByRole('button', { name: 'Upload and import' }).click();
  await card.getByText(/Imported third\.ab: \d+ new/).waitFor({ timeout: 30_000 });
  expect(await card.locator('.passphrase-prompt').count()).toBe(0);
  expect(filesHolding(path.join(dir, 'vault'), [PASSWORD])).toEqual([]);
  expect(pageErrors).toEqual([]);
});
