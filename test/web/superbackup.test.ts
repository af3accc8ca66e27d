/**
 * Super Backup & Restore in the web app, in Chromium against the real server: the Backups page
 * lists the format and imports an uploaded file of it; the Export page offers it and its download
 * holds the app's two files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listZip } from '../../src/formats/container.js';
import { SB_FIXTURES } from '../formats/superbackup/read.js';
import { cliAsync } from '../helpers/cli.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-superbackup-'));
  const vault = path.join(dir, 'vault');
  expect((await cliAsync(['--vault', vault, 'config', 'set', 'region', 'US'])).code).toBe(0);
  const calls = await cliAsync(['--vault', vault, 'import', path.join(SB_FIXTURES, 'calllogs_20240102030405.xml')]);
  expect(calls.code, calls.stderr).toBe(0);
  server = await startServer(vault);
  ({ browser, page } = await openApp(server, { viewport: { width: 1280, height: 860 }, acceptDownloads: true }, { pageErrors }));
}, 120_000);

afterAll(async () => {
  await closeApp(browser, server, dir);
});

test('the Backups page lists Super Backup & Restore and imports an uploaded file of it', async () => {
  await page.goto(`${server.url}/backups`);
  await page.getByText('Formats read').click();
  await page.getByText(/^Super Backup & Restore XML/).waitFor();
  await page.getByLabel('Backup file').setInputFiles(path.join(SB_FIXTURES, 'sms_20240102030405.xml'));
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await page.getByText(/Imported .*: 6 new, 0 duplicate/).waitFor({ timeout: 30_000 });
  expect(pageErrors).toEqual([]);
});

test('the Export page offers Super Backup & Restore; the download holds sms_ and calllogs_ files', async () => {
  await page.getByRole('link', { name: 'Export' }).click();
  await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
  await page.getByLabel('Format').selectOption('superbackup');
  await page.getByRole('button', { name: 'Start export' }).click();
  const link = page.getByRole('link', { name: /^Download / });
  await link.waitFor({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = path.join(dir, 'download.zip');
  await download.saveAs(saved);
  const names = (await listZip(saved)).map((e) => e.fileName).sort();
  expect(names).toEqual([expect.stringMatching(/^calllogs_\d{14}\.xml$/), expect.stringMatching(/^sms_\d{14}\.xml$/)]);
  expect(pageErrors).toEqual([]);
});
