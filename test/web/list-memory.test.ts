/**
 * Issue 26 item 1: Back does not lose the user's place. The conversation list (300 threads, three
 * pages loaded) and the search results (two pages loaded) come back with the same rows and scroll
 * offset, without refetching, and the search shows how many messages match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import { loginCookies } from './login.js';

const THREADS = 300;
const LONG_THREAD = 500;

let dir: string;
let server: RunningServer;
let browser: Browser;
let cookies: Awaited<ReturnType<typeof loginCookies>>;

/** One message per thread, each with the searched word, so the search has 300 hits (6 pages of 50). */
function threadsXml(n: number): string {
  const base = Date.UTC(2026, 0, 1);
  const rows: string[] = [];
  // Person 0's thread is long (several pages), for the thread position test.
  for (let i = 0; i < LONG_THREAD; i++) {
    rows.push(`<sms protocol="0" address="+15553000000" date="${base - (LONG_THREAD - i) * 3_600_000}" type="${i % 2 === 0 ? 1 : 2}" body="Long thread line ${i}" read="1" status="-1" locked="0" date_sent="0" contact_name="Person 0" />`);
  }
  for (let i = 0; i < n; i++) {
    const number = `+1555${String(3_000_000 + i).padStart(7, '0')}`;
    rows.push(`<sms protocol="0" address="${number}" date="${base + i * 60_000}" type="1" body="Ferry ticket number ${i}" read="1" status="-1" locked="0" date_sent="0" contact_name="Person ${i}" />`);
  }
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${rows.length}">\n${rows.join('\n')}\n</smses>\n`;
}

const noChromium = lacks(CHROMIUM);

interface Scrollable {
  scrollTop: number;
}

interface Boxed {
  getBoundingClientRect: () => { top: number };
  dataset: Record<string, string | undefined>;
}

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-memory-'));
  const file = path.join(dir, 'sms-300.xml');
  fs.writeFileSync(file, threadsXml(THREADS));
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
  cookies = await loginCookies(server);
});

afterAll(async () => {
  if (noChromium) return;
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Counts the API requests whose URL contains `part` from now on. */
function requests(page: Page, part: string): { count: () => number } {
  let n = 0;
  page.on('request', (r) => {
    if (r.url().includes(part)) n++;
  });
  return { count: () => n };
}

test.skipIf(noChromium)('Back from a thread returns to the same place in the conversation list, with the pages already loaded', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('.conversation').first().waitFor();

  const pages = requests(page, '/api/conversations?');
  const scroller = page.locator('.conversation-list');
  await scroller.hover();
  // Down past the first two pages (100 rows each): the third page loads.
  for (let i = 0; i < 40 && pages.count() < 2; i++) {
    await page.mouse.wheel(0, 2000);
    await page.waitForTimeout(100);
  }
  expect(pages.count()).toBeGreaterThanOrEqual(2);
  await page.mouse.wheel(0, -700);
  await page.waitForTimeout(300);
  const before = await scroller.evaluate((el) => (el as unknown as Scrollable).scrollTop);
  expect(before).toBeGreaterThan(5000);
  const firstVisible = async (): Promise<string | null> =>
    page.evaluate(() => {
      // The test program has no DOM types (it is Node code): the few used are declared below.
      const doc = (globalThis as unknown as { document: { querySelector: (s: string) => Boxed | null; querySelectorAll: (s: string) => ArrayLike<Boxed> } }).document;
      const box = doc.querySelector('.conversation-list')?.getBoundingClientRect();
      const row = Array.from(doc.querySelectorAll('.conversation')).find((r) => box !== undefined && r.getBoundingClientRect().top >= box.top);
      return row?.dataset.conversationId ?? null;
    });
  const topRow = await firstVisible();
  expect(topRow).not.toBeNull();

  const loadedBefore = pages.count();
  await page.locator(`.conversation[data-conversation-id="${topRow}"]`).click();
  await page.waitForURL(/\/c\/\d+/);
  await page.locator('[role="log"]').first().waitFor();
  await page.goBack();
  await page.locator(`.conversation[data-conversation-id="${topRow}"]`).waitFor();
  await page.waitForTimeout(300);
  expect(await scroller.evaluate((el) => (el as unknown as Scrollable).scrollTop)).toBeCloseTo(before, -1);
  expect(await firstVisible()).toBe(topRow);
  // The loaded pages came back from memory: no request for the list, not even the first page.
  expect(pages.count()).toBe(loadedBefore);
  await context.close();
});

test.skipIf(noChromium)('the search shows its count, and Back from a hit keeps the loaded result pages and the scroll offset', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto(`${server.url}/search?q=ferry`);
  const hits = page.locator('.search-hit');
  await expect.poll(() => hits.count()).toBe(50);
  await expect.poll(() => page.locator('.result-count').textContent()).toBe(`${THREADS} results`);
  await page.getByRole('button', { name: 'More results' }).click();
  await expect.poll(() => hits.count()).toBe(100);

  const searches = requests(page, '/api/search?');
  const hit = hits.nth(80);
  await hit.scrollIntoViewIfNeeded();
  const main = page.locator('main');
  const before = await main.evaluate((el) => (el as unknown as Scrollable).scrollTop);
  expect(before).toBeGreaterThan(1000);
  const id = await hit.getAttribute('data-message-id');
  await hit.click();
  await page.waitForURL(/\/c\/\d+\?around=/);
  await page.locator(`.message-row[data-message-id="${id}"]`).first().waitFor();
  await page.goBack();
  await page.waitForURL(/\/search\?q=ferry/);
  await expect.poll(() => hits.count()).toBe(100);
  await page.waitForTimeout(300);
  expect(await main.evaluate((el) => (el as unknown as Scrollable).scrollTop)).toBeCloseTo(before, -1);
  expect(searches.count()).toBe(0);
  expect(await page.locator('.result-count').textContent()).toBe(`${THREADS} results`);
  await context.close();
});

test.skipIf(noChromium)('a thread keeps its scroll position in the URL, so Back from another page opens it where the reader was', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const found = (await (await context.request.get(`${server.url}/api/conversations?q=${encodeURIComponent('Person 0')}`)).json()) as { items: { id: number; title: string }[] };
  const thread = found.items.find((c) => c.title === 'Person 0');
  expect(thread).toBeDefined();
  await page.goto(`${server.url}/c/${thread?.id ?? 0}`);
  const log = page.locator('[role="log"]');
  await page.locator('.message-row').first().waitFor();
  await log.hover();
  for (let i = 0; i < 6; i++) {
    await page.mouse.wheel(0, -1500);
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(600);
  expect(page.url()).toMatch(/[?&]at=\d+/);
  const at = new URL(page.url()).searchParams.get('at');
  const row = page.locator(`.message-row[data-message-id="${at}"]`);
  expect(await row.isVisible()).toBe(true);
  const text = await row.textContent();

  await page.getByRole('link', { name: 'Back to conversations' }).click();
  await page.locator('.conversation').first().waitFor();
  await page.goBack();
  await row.waitFor();
  expect(await row.isVisible()).toBe(true);
  expect(await row.textContent()).toBe(text);
  // Opened there, not highlighted as a search target.
  expect(await page.locator('.bubble-target').count()).toBe(0);
  await context.close();
});
