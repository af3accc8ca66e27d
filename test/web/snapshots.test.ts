/**
 * The Backups page shows the vault's own snapshots (GET /api/snapshots/status): the real
 * `textvault serve`, snapshots taken by another process (as cron would), and Debian's Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { cli } from '../helpers/cli.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import { loginCookies } from './login.js';

let dir: string;
let server: RunningServer;
let browser: Browser;
let cookies: Awaited<ReturnType<typeof loginCookies>>;

const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-snapshots-'));
  const file = path.join(dir, 'sms.xml');
  await writeSmsBackup(file, { seed: 31, sms: 120, mms: 5, mediaBytes: 5_000 });
  if (cli(['--vault', path.join(dir, 'vault'), 'import', file]).code !== 0) throw new Error('import failed');
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
  cookies = await loginCookies(server);
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.skipIf(noChromium)('the Backups page says when no snapshot was taken, then shows the last one', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${server.url}/backups`);
  const card = page.locator('section.snapshots');
  await card.getByRole('heading', { name: 'Snapshots of the vault' }).waitFor();
  await card.getByRole('alert').getByText('No snapshot of the vault was ever taken').waitFor();

  const snaps = path.join(dir, 'snaps');
  const taken = cli(['--vault', path.join(dir, 'vault'), 'snapshot', '--to', snaps]);
  expect(taken.code).toBe(0);
  await page.reload();
  await card.getByText('Snapshots are up to date.').waitFor();
  const last = await card.locator('.snapshot-last').textContent();
  expect(last).toContain(`to ${snaps}`);
  expect(last).toMatch(/: 1\d\d messages, /);
  expect(await card.getByRole('alert').count()).toBe(0);
  expect(pageErrors).toEqual([]);
  await context.close();
}, 120_000);

test.skipIf(noChromium)('Snapshot now takes one to the folder set on the server; a failing scheduled one is a banner on every page', async () => {
  const vault = path.join(dir, 'vault');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const now = path.join(dir, 'snaps-now');
  expect(cli(['--vault', vault, 'snapshot', 'schedule', 'off', '--to', now]).code).toBe(0);
  await page.goto(`${server.url}/backups`);
  const card = page.locator('section.snapshots');
  await card.getByRole('button', { name: 'Snapshot now' }).click();
  await card.locator('.snapshot-last', { hasText: `to ${now}` }).waitFor({ timeout: 60_000 });
  await card.getByText('Snapshots are up to date.').waitFor();
  expect(fs.readdirSync(path.join(now, 'snapshots')).length).toBe(1);

  // Scheduled to a folder that cannot be made: the failed run shows as a banner, on any page.
  const blocker = path.join(dir, 'a-file');
  fs.writeFileSync(blocker, 'not a folder');
  expect(cli(['--vault', vault, 'snapshot', 'schedule', 'daily', '--to', path.join(blocker, 'snaps')]).code).toBe(0);
  await card.getByRole('button', { name: 'Snapshot now' }).click();
  await card.getByRole('alert').getByText(/The last snapshot of the vault .* failed/).waitFor({ timeout: 60_000 });
  await page.goto(`${server.url}/`);
  await page.getByText(/The last snapshot of the vault \(to .*a-file\/snaps, .*\) failed/).first().waitFor();
  expect(pageErrors).toEqual([]);
  await context.close();
}, 120_000);
