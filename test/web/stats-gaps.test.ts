/**
 * The Statistics page shows every month, empty ones included, and marks a long gap without
 * messages (issue 26 item 7): the real `textvault serve` and Debian's Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { gapBackupXml } from '../helpers/gap-backup.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-gaps-'));
  const file = path.join(dir, 'sms.xml');
  fs.writeFileSync(file, gapBackupXml());
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1280, height: 1000 }, timezoneId: 'UTC' }, { pageErrors }));
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noChromium)('the Statistics page keeps empty months on the axis and marks the long gap', async () => {
  await page.goto(`${server.url}/stats`);
  await page.getByText('Messages per month').waitFor();
  const gaps = page.getByRole('note', { name: 'Gaps in the archive' });
  await gaps.waitFor();
  expect(await gaps.locator('li').allTextContents()).toEqual(['No messages from 2018-01 to 2018-12 (12 months) — a missing backup?']);
  expect(await gaps.textContent()).toContain('3 or more months in a row');
  // Every month from 2017-11 to 2019-03 is on the axis: 17 of them, the empty ones too.
  const months = (await page.evaluate(async () => (await fetch('/api/stats/monthly')).json())) as { months: { month: string }[] };
  expect(months.months.map((m) => m.month)).toHaveLength(17);
  expect(months.months.map((m) => m.month).slice(0, 3)).toEqual(['2017-11', '2017-12', '2018-01']);
  const chart = page.locator('figure', { hasText: 'Messages per month' });
  await expect.poll(() => chart.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
  // The gap is shaded on the chart, across 2018.
  await chart.locator('.recharts-reference-area').first().waitFor();
  expect(await chart.locator('.recharts-reference-area').count()).toBe(1);
  const area = await chart.locator('.recharts-reference-area').first().boundingBox();
  const plot = await chart.locator('.recharts-cartesian-grid').first().boundingBox();
  expect(area !== null && plot !== null && area.width > plot.width * 0.5).toBe(true);
  await page.screenshot({ path: path.join(dir, 'stats-gaps.png') });
  expect(pageErrors).toEqual([]);
});
