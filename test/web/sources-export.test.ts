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
import { cliAsync } from '../helpers/cli.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import { loginCookies } from './login.js';
import { messagesXml, PEOPLE } from './synthetic-backup.js';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : null;

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  const file = path.join(SCREENSHOTS ?? path.join(dir, 'screenshots'), `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeGreaterThan(5000);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-sources-'));
  const file = path.join(dir, 'sms-synthetic.xml');
  fs.writeFileSync(file, messagesXml());
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  await context.addCookies(await loginCookies(server));
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the Sources page adds a watched folder and creates a device token, shown once', async () => {
  const inbox = path.join(dir, 'phone-sync');
  fs.mkdirSync(inbox);
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: 'Sources' }).click();
  await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
  await page.getByText('No source yet').waitFor();

  await page.getByLabel('Name', { exact: true }).fill('Phone sync folder');
  await page.getByLabel('Folder path on the server').fill(inbox);
  await page.getByLabel('Schedule').selectOption('daily');
  await page.getByLabel('After import').selectOption('move');
  await page.getByRole('button', { name: 'Add folder source' }).click();
  const row = page.locator('tr[data-source="Phone sync folder"]');
  await row.waitFor();
  expect(await row.textContent()).toContain(inbox);
  expect(await row.textContent()).toContain('daily');

  await page.getByLabel('Device name').fill('Pixel 8 (synthetic)');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = page.locator('.new-token');
  await token.waitFor();
  const value = (await token.textContent()) ?? '';
  expect(value.length).toBeGreaterThan(20);
  await page.locator('li[data-token="Pixel 8 (synthetic)"]').getByRole('button', { name: /Revoke/ }).waitFor();

  // The token works for the ingest API: the page showed the real one.
  const ingest = await fetch(`${server.url}/api/ingest/sms-empty.xml`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${value}`, 'Content-Type': 'application/octet-stream' },
    body: "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"0\">\n</smses>\n",
  });
  expect(ingest.status).toBeLessThan(300);

  // The server's list has both; the token itself is never listed again.
  await page.reload();
  await page.locator('tr[data-source="Phone sync folder"]').waitFor();
  expect(await page.locator('.new-token').count()).toBe(0);
  await shot('sources');
});

test('the Export page exports one conversation to CSV and downloads it', async () => {
  const alice = PEOPLE[0].name;
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
  await page.getByLabel('Format').selectOption('csv');
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
