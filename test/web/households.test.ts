import { screenshot } from '../helpers/chromium.js';
/**
 * Households in the browser (issue 23): two people in two browser contexts at once. The admin adds
 * "kid" on the Users page; kid logs in, uploads a backup and sees only their own messages, the admin
 * never sees them; kid shares with the admin in the share dialog; the admin switches to kid's
 * archive, reads it under a read-only badge with no upload form; kid revokes, and the admin's next
 * page change lands back on the own archive. Screenshots go to a temp folder, or to docs/screenshots/
 * (users, share-dialog, archive-switcher) with UPDATE_SCREENSHOTS=1 (synthetic data only).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { sbrXml } from '../helpers/sbr-files.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';
import { messagesXml, PEOPLE } from './synthetic-backup.js';

const KID_PASSWORD = 'kid password of the test';
/** Words only kid's backup holds. */
const KID_WORDS = ['kid 1 skatepark tomorrow', 'kid 2 skatepark after school', 'kid 3 skatepark again'];

let dir: string;
let server: RunningServer;
let browser: Browser;
let admin: Page;
const pageErrors: string[] = [];

const shot = (page: Page, name: string): Promise<void> => screenshot(page, dir, name);

const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-households-'));
  const file = path.join(dir, 'sms-synthetic.xml');
  fs.writeFileSync(file, messagesXml());
  // The home archive, which the first account (the admin, made through setup) owns.
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page: admin } = await openApp(server, { viewport: { width: 1280, height: 860 } }, { pageErrors }));
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noChromium)('two accounts: own archives, a read-only share through the switcher, revoked', async () => {
  // The admin adds kid on the Users page.
  await admin.goto(`${server.url}/`);
  await admin.getByText(PEOPLE[0].name).first().waitFor();
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  const form = admin.locator('form[aria-labelledby="add-user-title"]');
  // A server error is shown where it happened (here: the name is taken).
  await form.getByLabel('Name').fill('owner');
  await form.getByLabel('Password').fill(KID_PASSWORD);
  await form.getByRole('button', { name: 'Add user' }).click();
  expect(await form.getByRole('alert').textContent()).toMatch(/owner/);
  await form.getByLabel('Name').fill('kid');
  await form.getByLabel('Password').fill(KID_PASSWORD);
  await form.getByLabel('E-mail (optional)').fill('kid@example.org');
  await form.getByRole('button', { name: 'Add user' }).click();
  const kidRow = admin.locator('tr[data-user="kid"]');
  await kidRow.waitFor();
  expect(await kidRow.textContent()).toContain('kid@example.org');

  // Kid, in a second context at the same time, logs in and uploads a backup of their own.
  const kidContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const kid = await kidContext.newPage();
  kid.on('pageerror', (e) => pageErrors.push(String(e)));
  await kid.goto(`${server.url}/login`);
  await kid.getByLabel('Username').fill('kid');
  await kid.getByLabel('Password').fill(KID_PASSWORD);
  await kid.getByRole('button', { name: 'Log in' }).click();
  await kid.getByText('No conversations yet').waitFor();
  // Not an admin: no Users link, and the page says so when typed in.
  expect(await kid.getByRole('link', { name: 'Users' }).count()).toBe(0);
  await kid.getByRole('link', { name: 'Backups' }).click();
  const kidFile = path.join(dir, 'kid-sms.xml');
  fs.writeFileSync(kidFile, sbrXml(KID_WORDS));
  await kid.getByLabel('Backup file').setInputFiles(kidFile);
  await kid.getByRole('button', { name: 'Upload and import' }).click();
  await kid.getByText(/Imported kid-sms\.xml: 3 new/).waitFor({ timeout: 60_000 });
  const kidSearch = (await (await kid.request.get(`${server.url}/api/search?q=lighthouse`)).json()) as { items: unknown[] };
  expect(kidSearch.items).toHaveLength(0);
  await kid.getByRole('link', { name: 'Conversations' }).click();
  await kid.locator('.conversation').first().waitFor();
  expect(await kid.locator('.conversation-list').textContent()).not.toContain(PEOPLE[0].name);

  // The admin's archive holds none of kid's messages; the Users page shows kid's archive's size, not its content.
  const adminSearch = (await (await admin.request.get(`${server.url}/api/search?q=skatepark`)).json()) as { items: unknown[] };
  expect(adminSearch.items).toHaveLength(0);

  // Kid shares with the admin through the share dialog.
  await kid.getByRole('button', { name: 'Sharing' }).click();
  const dialog = kid.getByRole('dialog', { name: 'Share my archive' });
  await dialog.getByText(/never import, delete or change settings/).waitFor();
  await dialog.getByLabel('User name').fill('nobody-here');
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  expect(await dialog.getByRole('alert').textContent()).toContain('nobody-here');
  await dialog.getByLabel('User name').fill('owner');
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  await dialog.locator('li[data-share="owner"]').waitFor();
  await shot(kid, 'share-dialog');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await admin.reload();
  const kidRowAgain = admin.locator('tr[data-user="kid"]');
  await kidRowAgain.getByText('owner').waitFor();
  expect(await kidRowAgain.textContent()).not.toContain('skatepark');
  await shot(admin, 'users');

  // The admin switches to kid's archive: kid's messages, the badge, no upload form.
  await admin.getByRole('link', { name: 'Conversations' }).click();
  const switcher = admin.getByLabel('Archive');
  await switcher.waitFor();
  await switcher.selectOption({ label: "kid's archive (read-only)" });
  const badge = admin.getByText('Read-only: shared by kid');
  await badge.waitFor();
  await admin.getByText(/skatepark/).first().waitFor();
  expect(await admin.locator('.conversation-list').textContent()).not.toContain(PEOPLE[0].name);
  await shot(admin, 'archive-switcher');
  await admin.getByRole('link', { name: 'Backups' }).click();
  await admin.getByText(/shared with you read-only/).waitFor();
  await admin.locator('.backups-table').getByText('kid-sms.xml').waitFor();
  expect(await admin.getByRole('button', { name: 'Upload and import' }).count()).toBe(0);
  expect(await admin.getByRole('button', { name: 'Verify now' }).count()).toBe(0);
  await admin.getByRole('link', { name: 'Sources' }).click();
  await admin.getByText(/owner's to manage/).waitFor();
  expect(await admin.getByRole('button', { name: 'Create token' }).count()).toBe(0);
  await admin.getByRole('link', { name: 'Export' }).click();
  await admin.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
  await badge.waitFor();

  // Kid revokes; the admin's next page change falls back to the own archive.
  await kid.getByRole('button', { name: 'Sharing' }).click();
  await dialog.getByRole('button', { name: /Revoke/ }).click();
  await dialog.getByText('Not shared with anyone.').waitFor();
  await admin.getByRole('link', { name: 'Conversations' }).click();
  await admin.getByText(PEOPLE[0].name).first().waitFor();
  await admin.getByText('Read-only: shared by kid').waitFor({ state: 'detached' });
  expect(await admin.getByLabel('Archive').count()).toBe(0);
  expect(await admin.locator('.conversation-list').textContent()).not.toContain('skatepark');

  await kidContext.close();
  expect(pageErrors).toEqual([]);
}, 180_000);

test.skipIf(noChromium)('the Users page disables, promotes, resets and removes an account, asking for its name first', async () => {
  await admin.goto(`${server.url}/users`);
  const form = admin.locator('form[aria-labelledby="add-user-title"]');
  await form.getByLabel('Name').fill('guest');
  await form.getByLabel('Password').fill('guest password');
  await form.getByRole('button', { name: 'Add user' }).click();
  const row = admin.locator('tr[data-user="guest"]');
  await row.waitFor();
  expect(await row.locator('td').nth(0).textContent()).toBe('User');

  await row.getByRole('button', { name: 'Disable guest' }).click();
  await row.getByText('Disabled').waitFor();
  const refused = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'guest', password: 'guest password' }) });
  expect(refused.status).toBe(401);
  await row.getByRole('button', { name: 'Enable guest' }).click();
  await row.getByText('Active').waitFor();
  await row.getByRole('button', { name: 'Make admin guest' }).click();
  await row.getByText('Admin', { exact: true }).waitFor();
  await row.getByRole('button', { name: 'Remove admin guest' }).click();
  await row.getByText('User', { exact: true }).waitFor();

  await row.getByRole('button', { name: 'Reset password guest' }).click();
  await row.getByLabel('New password for guest').fill('a new guest password');
  await row.getByRole('button', { name: 'Set password' }).click();
  await row.getByText(/New password set for guest/).waitFor();
  const relogin = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'guest', password: 'a new guest password' }) });
  expect(relogin.status).toBe(200);

  // Removing says what goes with the account and wants its name typed again.
  await row.getByRole('button', { name: 'Remove guest' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Remove guest?' });
  expect(await dialog.textContent()).toMatch(/whole archive.*message, call, photo and other media, and the history of its\s+backups/);
  const confirm = dialog.getByRole('button', { name: 'Remove guest and the archive' });
  expect(await confirm.isDisabled()).toBe(true);
  await dialog.getByLabel('Type guest to confirm').fill('guest');
  await confirm.click();
  await row.waitFor({ state: 'detached' });
  expect(await admin.getByRole('dialog').count()).toBe(0);
  // The own account cannot be removed: the server's reason is shown in the dialog.
  await admin.locator('tr[data-user="owner"]').getByRole('button', { name: 'Remove owner' }).click();
  const own = admin.getByRole('dialog', { name: 'Remove owner?' });
  await own.getByLabel('Type owner to confirm').fill('owner');
  await own.getByRole('button', { name: 'Remove owner and the archive' }).click();
  expect(await own.getByRole('alert').textContent()).toContain('you cannot remove your own account');
  await own.getByRole('button', { name: 'Close' }).click();

  // On a phone Sharing is in the Menu, keeping the header one line.
  await admin.setViewportSize({ width: 360, height: 740 });
  await admin.getByRole('button', { name: 'Menu' }).click();
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sharing' }).click();
  await admin.getByRole('dialog', { name: 'Share my archive' }).getByRole('button', { name: 'Close' }).click();
  expect(pageErrors).toEqual([]);
}, 120_000);
