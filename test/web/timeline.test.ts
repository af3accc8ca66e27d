/**
 * The timeline (issue 25), the real `textvault serve` and Debian's Chromium on the synthetic
 * archive: it opens at the newest entry, jumps to a date (kept in the URL), loads older and newer
 * pages as the reader scrolls to either end, filters, and a row opens its message in the thread.
 * Writes docs/screenshots/timeline.png with UPDATE_SCREENSHOTS=1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';
import { callsXml, messagesXml } from './synthetic-backup.js';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : null;

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const noChromium = lacks(CHROMIUM);

/** The dates (ms) of the rows the list has rendered, top to bottom. */
function renderedDates(p: Page): Promise<number[]> {
  return p.locator('.timeline-entry time').evaluateAll((els) => els.map((el) => Date.parse((el as { getAttribute: (name: string) => string | null }).getAttribute('datetime') ?? '')));
}

/** Scrolls the list to one end until a page that way has been fetched. */
async function scrollUntilLoaded(p: Page, way: 'before' | 'after'): Promise<void> {
  const loaded = p.waitForResponse((r) => r.url().includes('/api/timeline?') && r.url().includes(`${way}=`) && r.status() === 200, { timeout: 15_000 });
  await p.locator('.timeline-list').hover();
  for (let i = 0; i < 12; i++) {
    await p.mouse.wheel(0, way === 'before' ? -2500 : 2500);
    await p.waitForTimeout(100);
  }
  await loaded;
}

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-timeline-'));
  fs.writeFileSync(path.join(dir, 'sms-20260601000000.xml'), messagesXml());
  fs.writeFileSync(path.join(dir, 'calls-20260601000000.xml'), callsXml());
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), path.join(dir, 'sms-20260601000000.xml'), path.join(dir, 'calls-20260601000000.xml')]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1280, height: 800 }, timezoneId: 'UTC', locale: 'en-GB', colorScheme: 'light' }, { pageErrors, defaultTimeoutMs: 20_000 }));
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noChromium)('opens at the newest entry, jumps to a date, loads more both ways, filters, and a row opens its thread', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Timeline' }).click();
  await page.waitForURL(/\/timeline$/);
  // The newest entry of the archive (Bob's unread message, this morning) is at the bottom, on screen.
  const newest = page.locator('.timeline-entry', { hasText: 'Are we still on for Thursday?' });
  await newest.waitFor();
  expect(await newest.isVisible()).toBe(true);
  expect(await page.locator('.timeline-list .day-separator').count()).toBeGreaterThan(1);

  // Jump to a day four months back: the URL says where, and that day is in the middle of the view.
  const day = Date.UTC(2026, 1, 1);
  await page.getByLabel('Jump to date').fill('2026-02-01');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('date') === String(day));
  await expect.poll(async () => (await renderedDates(page)).some((d) => d >= day)).toBe(true);
  const around = await renderedDates(page);
  expect(around.some((d) => d < day)).toBe(true);
  expect(Math.min(...around)).toBeGreaterThan(day - 40 * 86_400_000);
  expect(await page.locator('.day-separator', { hasText: /February 2026|January 2026/ }).count()).toBeGreaterThan(0);
  // Calls are in it too, beside the messages.
  expect(await page.locator('.timeline-entry[class*="timeline-call-"]').count()).toBeGreaterThan(0);
  // Shown once the list has scrolled to the date (it stays hidden while it places the first rows).
  await expect.poll(() => page.locator('.timeline-list .day-separator').first().isVisible()).toBe(true);
  const file = path.join(SCREENSHOTS ?? path.join(dir, 'screenshots'), 'timeline.png');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });

  // Scrolled to the top, an older page loads above; to the bottom, a newer one below.
  const firstOldest = Math.min(...around);
  await scrollUntilLoaded(page, 'before');
  await expect.poll(async () => Math.min(...(await renderedDates(page)))).toBeLessThan(firstOldest);
  const firstNewest = Math.max(...(await renderedDates(page)));
  await scrollUntilLoaded(page, 'after');
  await expect.poll(async () => Math.max(...(await renderedDates(page)))).toBeGreaterThan(firstNewest);
  // Where the reader scrolled to is in the URL now (Back or a reload opens there).
  await expect.poll(() => Number(new URL(page.url()).searchParams.get('date'))).toBeGreaterThan(day);

  // Filters go into the URL with the date the reader is at; only calls are left.
  await page.getByLabel('Kind').selectOption('call');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL((u) => u.searchParams.get('kind') === 'call' && u.searchParams.get('date') !== null);
  await page.locator('.timeline-entry').first().waitFor();
  await expect.poll(() => page.locator('[data-entry^="sms-"], [data-entry^="mms-"]').count()).toBe(0);
  expect(await page.locator('[data-entry^="call-"]').count()).toBeGreaterThan(0);

  // A message row opens its thread at that message, highlighted.
  await page.goto(`${server.url}/timeline?kind=sms&direction=incoming&date=${day}`);
  const row = page.locator('.timeline-entry[href*="around="]').first();
  await row.waitFor();
  const text = ((await row.locator('.timeline-text').textContent()) ?? '').trim();
  expect(text).not.toBe('');
  await row.click();
  await page.waitForURL(/\/c\/\d+\?around=\d+$/);
  const target = page.locator('.bubble-target');
  await target.waitFor();
  expect(await target.textContent()).toContain(text);
  // Back: the timeline again, where it was.
  await page.goBack();
  await page.waitForURL((u) => u.pathname === '/timeline' && u.searchParams.get('kind') === 'sms');
  await page.locator('.timeline-entry').first().waitFor();
  expect(pageErrors).toEqual([]);
}, 120_000);
