/**
 * Issue 26 item 5: on a 360x740 phone every page's primary actions are on screen without
 * horizontal scrolling; the navigation is behind a Menu button (not scrolled out of sight), the
 * thread header is one compact line that stays on top, calls show their duration, and the backups
 * table wraps file names as words instead of a letter per line. Screenshots go to a temp folder, or
 * to docs/screenshots/ (phone-*.png) with UPDATE_SCREENSHOTS=1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import { loginCookies } from './login.js';
import { callsXml, messagesXml, NEEDLE } from './synthetic-backup.js';

const WIDTH = 360;
const HEIGHT = 740;
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : null;

let dir: string;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;

const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-phone-'));
  // A long real-looking file name: the backups table must wrap it as words on a phone.
  const sms = path.join(dir, 'sms-20260601000000-pixel-8-full-backup.xml');
  fs.writeFileSync(sms, messagesXml());
  fs.writeFileSync(path.join(dir, 'calls-20260601000000.xml'), callsXml());
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), sms, path.join(dir, 'calls-20260601000000.xml')]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'UTC', locale: 'en-GB' });
  await context.addCookies(await loginCookies(server));
});

afterAll(async () => {
  if (noChromium) return;
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Box {
  getBoundingClientRect: () => { left: number; right: number; width: number; height: number };
  closest: (selector: string) => unknown;
  textContent: string | null;
}

/** Controls in <main> that stick out of the screen sideways, and how wide the page scrolls. */
async function overflow(page: Page): Promise<{ scrollWidth: number; outside: string[] }> {
  return page.evaluate((width) => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number }; querySelectorAll: (s: string) => ArrayLike<Box> } }).document;
    const outside = Array.from(doc.querySelectorAll('main button, main a, main input, main select, main h1'))
      .filter((el) => el.closest('.visually-hidden') === null)
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.left < -1 || r.right > width + 1);
      })
      .map((el) => (el.textContent ?? '').trim().slice(0, 40));
    return { scrollWidth: doc.documentElement.scrollWidth, outside };
  }, WIDTH);
}

const inView = (b: { x: number; y: number; width: number; height: number }): boolean => b.x >= 0 && b.x + b.width <= WIDTH + 1 && b.y >= -1 && b.y + b.height <= HEIGHT + 1;

/**
 * Scrolled to vertically if need be (pages are long on a phone), the element is wholly on screen.
 * Scrolled again when it moved meanwhile: in a virtualised list (the timeline), scrolling to the
 * top entry loads older ones above it, which pushes it up by their height.
 */
async function onScreen(page: Page, selector: string): Promise<void> {
  const element = page.locator(selector).first();
  let box: Awaited<ReturnType<typeof element.boundingBox>> = null;
  for (let attempt = 0; attempt < 10; attempt++) {
    await element.scrollIntoViewIfNeeded();
    box = await element.boundingBox();
    if (box !== null && inView(box)) break;
    await page.waitForTimeout(100);
  }
  expect(box, selector).not.toBeNull();
  if (box === null) return;
  expect(box.x, selector).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, selector).toBeLessThanOrEqual(WIDTH + 1);
  expect(box.y, selector).toBeGreaterThanOrEqual(-1);
  expect(box.y + box.height, selector).toBeLessThanOrEqual(HEIGHT + 1);
}

async function shot(page: Page, name: string): Promise<void> {
  const folder = SCREENSHOTS ?? path.join(dir, 'screenshots');
  fs.mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name}.png`) });
}

/** Each page, what must be on screen, and how to know it has loaded. */
const PAGES: { path: string; ready: string; actions: string[]; shot?: string }[] = [
  { path: '/', ready: '.conversation', actions: ['.page-header .filter input', '.conversation'], shot: 'phone-conversations' },
  { path: `/timeline?date=${Date.UTC(2026, 1, 1)}`, ready: '.timeline-entry', actions: ['.timeline-filters button[type=submit]', '.jump-form button[type=submit]', '.timeline-entry'], shot: 'phone-timeline' },
  { path: `/search?q=${NEEDLE.word}`, ready: '.search-hit', actions: ['.search-form button[type=submit]', '.search-hit', '.result-count'], shot: 'phone-search' },
  { path: '/calls', ready: '.calls-table tbody tr', actions: ['.search-form button[type=submit]', '.calls-table tbody td:nth-child(4)'], shot: 'phone-calls' },
  { path: '/stats', ready: '.summary-cards', actions: ['h1'] },
  { path: '/backups', ready: '.backups-table td.file', actions: ['.upload-form button[type=submit]', '.backups-table td.file'], shot: 'phone-backups' },
  { path: '/sources', ready: 'h1', actions: ['h1', 'form button[type=submit]'] },
  { path: '/export', ready: 'h1', actions: ['h1', 'form button[type=submit]'] },
];

test.skipIf(noChromium)(`at ${WIDTH}x${HEIGHT} every page's primary actions are on screen, with no sideways scrolling`, async () => {
  const page = await context.newPage();
  for (const p of PAGES) {
    await page.goto(`${server.url}${p.path}`);
    await page.locator(p.ready).first().waitFor();
    for (const a of p.actions) await onScreen(page, a);
    expect(await overflow(page), p.path).toEqual({ scrollWidth: WIDTH, outside: [] });
    if (p.shot !== undefined) await shot(page, p.shot);
  }
  await page.close();
});

test.skipIf(noChromium)('calls show their duration and the backups table wraps file names as words', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}/calls`);
  const durations = page.locator('.calls-table tbody td:nth-child(4)');
  await durations.first().waitFor();
  expect(await durations.first().isVisible()).toBe(true);
  expect(await page.locator('.calls-table th', { hasText: 'Duration' }).isVisible()).toBe(true);

  await page.goto(`${server.url}/backups`);
  const file = page.locator('.backups-table td.file').first();
  await file.waitFor();
  const box = await file.boundingBox();
  // The whole name fits in a line or two, not one letter a line in a narrow column.
  expect(box?.width ?? 0).toBeGreaterThan(250);
  expect(box?.height ?? Infinity).toBeLessThan(60);
  await page.close();
});

test.skipIf(noChromium)('the navigation is behind a Menu button that shows every page, Backups, Sources and Export included', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('.conversation').first().waitFor();
  const menu = page.getByRole('button', { name: 'Menu' });
  await onScreen(page, '.menu-button');
  expect(await menu.getAttribute('aria-expanded')).toBe('false');
  await menu.click();
  for (const label of ['Conversations', 'Timeline', 'Search', 'Calls', 'Statistics', 'Backups', 'Sources', 'Export']) {
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label });
    expect(await link.isVisible(), label).toBe(true);
    const b = await link.boundingBox();
    expect((b?.x ?? -1) + (b?.width ?? WIDTH), label).toBeLessThanOrEqual(WIDTH);
    expect((b?.y ?? HEIGHT) + (b?.height ?? 0), label).toBeLessThanOrEqual(HEIGHT);
  }
  await shot(page, 'phone-menu');
  await page.getByRole('link', { name: 'Backups' }).click();
  await page.waitForURL(/\/backups$/);
  // The menu closes on the new page (after the route change renders, so wait for it rather than sample once).
  const exportLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Export' });
  await exportLink.waitFor({ state: 'hidden', timeout: 5000 });
  expect(await exportLink.isVisible()).toBe(false);
  await page.close();
});

test.skipIf(noChromium)('the thread header is one compact line that stays on top, with date and export behind a button', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('.conversation', { hasText: 'Alice Martin' }).first().click();
  const log = page.locator('[role="log"]');
  await page.locator('.message-row').first().waitFor();
  const header = page.locator('.thread-header');
  const before = await header.boundingBox();
  // Not a quarter of the screen: at most an eighth.
  expect(before?.height ?? Infinity).toBeLessThanOrEqual(HEIGHT / 8);
  await onScreen(page, '.back-link');
  await log.hover();
  await page.mouse.wheel(0, -3000);
  await page.waitForTimeout(300);
  expect(await header.boundingBox()).toEqual(before);
  await shot(page, 'phone-thread');
  await page.getByRole('button', { name: 'Jump to a date, export or print' }).click();
  await onScreen(page, '.thread-export button[type=submit]');
  await onScreen(page, '.jump-form input[type=date]');
  await page.close();
});
