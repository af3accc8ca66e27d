import { screenshot } from '../helpers/chromium.js';
/**
 * The Sources and Export pages end to end: the real `textvault serve` on a temp vault with the
 * synthetic backup, driven by Debian's Chromium. Adds a watched folder and a device token, then
 * exports one conversation to CSV and downloads it. Screenshots go to a temp folder, or to
 * docs/screenshots/ with UPDATE_SCREENSHOTS=1 (synthetic data only).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DAY, sbrXml, T0 } from '../helpers/sbr-files.js';
import { cliAsync } from '../helpers/cli.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { messagesXml, PEOPLE } from './synthetic-backup.js';


let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string): Promise<void> => screenshot(page, dir, name);

// Skipped, with a note at the end of the run, where Chromium is not installed.
const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-sources-'));
  const file = path.join(dir, 'sms-synthetic.xml');
  fs.writeFileSync(file, messagesXml());
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  // Web users may only watch folders inside the ones the admin allowed (issue 29 item 2).
  fs.mkdirSync(path.join(dir, 'backups'));
  const allowed = await cliAsync(['config', 'set', '--vault', path.join(dir, 'vault'), 'sources.allowed-folders', path.join(dir, 'backups')]);
  expect(allowed.code, allowed.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1280, height: 860 }, acceptDownloads: true }, { pageErrors }));
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noChromium)('the Sources page adds a watched folder and creates a device token, shown once', async () => {
  const inbox = path.join(dir, 'backups', 'phone-sync');
  fs.mkdirSync(inbox);
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: 'Sources' }).click();
  await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
  await page.getByText('No source yet').waitFor();

  const folderForm = page.locator('form[aria-labelledby="add-folder-title"]');
  // The page says where folders may be; one elsewhere (here: the vault itself) is refused with that message.
  expect(await folderForm.locator('.allowed-folders').textContent()).toContain(path.join(dir, 'backups'));
  await folderForm.getByLabel('Name', { exact: true }).fill('Phone sync folder');
  await folderForm.getByLabel('Folder path on the server').fill(path.join(dir, 'vault'));
  await folderForm.getByRole('button', { name: 'Add folder source' }).click();
  expect(await folderForm.getByRole('alert').textContent()).toMatch(/can only watch folders inside .*backups/);
  await folderForm.getByLabel('Folder path on the server').fill(inbox);
  await folderForm.getByLabel('Schedule').selectOption('daily');
  await folderForm.getByLabel('After import').selectOption('move');
  await folderForm.getByRole('button', { name: 'Add folder source' }).click();
  const row = page.locator('tr[data-source="Phone sync folder"]');
  await row.waitFor();
  expect(await row.textContent()).toContain(inbox);
  expect(await row.textContent()).toContain('daily');

  // A mailbox: the password is typed in the page, sent once, and never comes back.
  const mailForm = page.locator('form[aria-labelledby="add-mailbox-title"]');
  await mailForm.getByLabel('Name', { exact: true }).fill('Gmail SMS');
  await mailForm.getByLabel('Mailbox URL').fill('imaps://me@imap.example.org/SMS');
  await mailForm.getByLabel('Mailbox password').fill('typed-in-the-page-only');
  expect(await mailForm.getByLabel('Mailbox password').getAttribute('type')).toBe('password');
  await mailForm.getByRole('button', { name: 'Add mailbox source' }).click();
  const mailRow = page.locator('tr[data-source="Gmail SMS"]');
  await mailRow.waitFor();
  expect(await mailRow.textContent()).toContain('imaps://me@imap.example.org/SMS');
  const listed = await (await page.request.get(`${server.url}/api/sources`)).text();
  expect(listed).toContain('"passwordStored":true');
  expect(listed).not.toContain('typed-in-the-page-only');
  await mailRow.getByRole('button', { name: /Set password/ }).click();
  await mailRow.getByLabel(/New password for Gmail SMS/).fill('a-new-one');
  await mailRow.getByRole('button', { name: 'Save password' }).click();
  await mailRow.getByText('Password saved.').waitFor();
  await shot('sources-mailbox');

  await page.getByLabel('Device name').fill('Pixel 8 (synthetic)');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = page.locator('.new-token');
  await token.waitFor();
  const value = (await token.textContent()) ?? '';
  expect(value.length).toBeGreaterThan(20);
  await page.locator('li[data-token="Pixel 8 (synthetic)"]').getByRole('button', { name: /Revoke/ }).waitFor();

  // The token works for the ingest API (the page showed the real one). Two full backups from that
  // device, the second without one message: the app then says one deleted message is still here.
  const put = async (name: string, bodies: string[], backupDate: number): Promise<void> => {
    const res = await fetch(`${server.url}/api/ingest/${name}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${value}`, 'Content-Type': 'application/octet-stream' },
      body: sbrXml(bodies, { backupDate, type: 'full' }),
    });
    expect(res.status, await res.text()).toBeLessThan(300);
  };
  await put('sms-1.xml', ['synthetic one', 'synthetic two', 'synthetic three'], T0 + DAY);
  await put('sms-2.xml', ['synthetic one', 'synthetic three'], T0 + 2 * DAY);
  for (let i = 0; i < 200; i++) {
    const status = (await page.evaluate(async () => (await fetch('/api/status')).json())) as { deletedOnPhone: number };
    if (status.deletedOnPhone === 1) break;
    await page.waitForTimeout(100);
  }

  // The server's list has both; the token itself is never listed again.
  await page.reload();
  await page.locator('tr[data-source="Phone sync folder"]').waitFor();
  expect(await page.locator('.new-token').count()).toBe(0);
  await page.getByRole('region', { name: 'Notices' }).getByText('1 message you deleted on your phone is still here.').waitFor();
  await shot('sources');

  // Pausing the device refuses its uploads; resuming takes them again.
  const device = page.locator('tr[data-source="Pixel 8 (synthetic)"]');
  await device.getByRole('button', { name: /^Pause/ }).click();
  await device.getByRole('button', { name: /^Resume/ }).waitFor();
  expect(await device.textContent()).toContain('Paused');
  const refused = await fetch(`${server.url}/api/ingest/sms-3.xml`, { method: 'PUT', headers: { Authorization: `Bearer ${value}` }, body: sbrXml(['synthetic four'], { backupDate: T0 + 3 * DAY, type: 'full' }) });
  expect(refused.status).toBe(403);
  await device.getByRole('button', { name: /^Resume/ }).click();
  await device.getByRole('button', { name: /^Pause/ }).waitFor();
  expect(await device.textContent()).not.toContain('Paused');
  await put('sms-3.xml', ['synthetic four'], T0 + 3 * DAY);
  expect(pageErrors).toEqual([]);
});

test.skipIf(noChromium)('a watched folder that disappears shows as an error at once: banner, row, and "Run now" says why (issue 26 item 2)', async () => {
  const folder = path.join(dir, 'backups', 'tablet-sync');
  await page.goto(`${server.url}/sources`);
  const folderForm = page.locator('form[aria-labelledby="add-folder-title"]');
  await folderForm.getByLabel('Name', { exact: true }).fill('Tablet folder');
  // Mistyped: refused with what to do.
  await folderForm.getByLabel('Folder path on the server').fill(folder);
  await folderForm.getByRole('button', { name: 'Add folder source' }).click();
  expect(await folderForm.getByRole('alert').textContent()).toMatch(/tablet-sync is not a folder on the server: create it inside/);
  fs.mkdirSync(folder);
  await folderForm.getByRole('button', { name: 'Add folder source' }).click();
  const row = page.locator('tr[data-source="Tablet folder"]');
  await row.waitFor();
  expect(await row.locator('td').nth(5).textContent()).toBe('OK');

  // The sync tool removes it: the next look at the app shows an error, not "OK" for days.
  fs.rmSync(folder, { recursive: true });
  await page.reload();
  const banner = page.getByRole('region', { name: 'Notices' }).getByRole('alert').filter({ hasText: 'Tablet folder' });
  await banner.waitFor();
  expect(await banner.textContent()).toContain(`The watched folder of "Tablet folder" is unusable: ${folder} does not exist.`);
  await row.getByText(/is unusable/).waitFor();
  expect(await row.locator('td').nth(2).textContent()).toContain(`${folder} does not exist`);
  await row.getByRole('button', { name: /^Run now/ }).click();
  const note = row.getByRole('status');
  await note.waitFor();
  expect(await note.textContent()).toMatch(/the watched folder of "Tablet folder" is unusable: .*tablet-sync does not exist/);
  expect(await note.textContent()).not.toContain('Nothing new');
  await shot('sources-folder-gone');

  // Back: the banner goes and the row is OK again.
  fs.mkdirSync(folder);
  await page.reload();
  await row.waitFor();
  expect(await row.locator('td').nth(5).textContent()).toBe('OK');
  expect(await page.getByRole('region', { name: 'Notices' }).getByText('Tablet folder').count()).toBe(0);
  await row.getByRole('button', { name: /^Remove/ }).waitFor();
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: /^Remove/ }).click();
  await row.waitFor({ state: 'detached' });
  expect(pageErrors).toEqual([]);
});

test.skipIf(noChromium)('the Export page exports one conversation to CSV and downloads it', async () => {
  const alice = PEOPLE[0].name;
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
  await page.getByLabel('Format').selectOption('csv');
  // CSV for spreadsheets by default: formula-like text neutralised unless this is ticked.
  expect(await page.getByLabel(/Keep text starting with = \+ - @ exactly/).isChecked()).toBe(false);
  const conversation = page.getByLabel('Conversation');
  await conversation.locator('option', { hasText: alice }).first().waitFor({ state: 'attached' });
  await conversation.selectOption({ label: alice });
  // Messages only: one CSV file (with calls it is a ZIP of messages.csv and calls.csv).
  await page.getByLabel('Calls').uncheck();
  await page.getByRole('button', { name: 'Start export' }).click();
  const link = page.getByRole('link', { name: /^Download / });
  await link.waitFor({ timeout: 30_000 });
  await shot('export');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = path.join(dir, 'download');
  await download.saveAs(saved);
  const bytes = fs.readFileSync(saved);
  // Alice's conversation only.
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const text = bytes.toString('utf8');
  expect(text.split('\n').length).toBeGreaterThan(10);
  expect(text).toContain(alice);
  expect(text).not.toContain(PEOPLE[1].name);
  expect(pageErrors).toEqual([]);
});

test.skipIf(noChromium)('"Export this conversation" in a thread exports just that conversation', async () => {
  const alice = PEOPLE[0].name;
  await page.goto(`${server.url}/`);
  await page.locator('.conversation', { hasText: alice }).first().click();
  await page.getByRole('heading', { name: alice, level: 1 }).waitFor();
  await page.getByLabel('Export format').selectOption('sbr');
  await page.getByRole('button', { name: 'Export this conversation' }).click();
  const link = page.getByRole('link', { name: /^Download / });
  await link.waitFor({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = path.join(dir, 'thread-download');
  await download.saveAs(saved);
  const xml = fs.readFileSync(saved, 'utf8');
  expect(download.suggestedFilename()).toMatch(/\.xml$/);
  expect(xml).toContain('<smses');
  expect(xml).toContain(PEOPLE[0].number);
  expect(xml).not.toContain(PEOPLE[1].number);
  expect(pageErrors).toEqual([]);
});
