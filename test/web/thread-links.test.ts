/**
 * Daily-use details of the conversation views (issue 26 item 8), the real `textvault serve` and
 * Debian's Chromium: web addresses in messages are links that open in a new tab without a
 * referrer and fetch nothing before a click, markup in a message stays text, and two contacts
 * with the same name show their numbers.
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

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const offOrigin: string[] = [];
const noChromium = lacks(CHROMIUM);

const LINK_TEXT = 'Menu: https://menu.example.org/today?a=1&b=2. Also <img src="https://x.example.org/p.png" onerror="alert(1)"> and javascript:alert(1)';

function sms(address: string, name: string, body: string, minute: number): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `  <sms protocol="0" address="${address}" date="${Date.UTC(2026, 2, 1, 12, minute)}" type="1" subject="null" body="${esc(body)}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="x" contact_name="${esc(name)}" />`;
}

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-links-'));
  const lines = [sms('+12025550101', 'Sam Lee', LINK_TEXT, 1), sms('+12025550102', 'Sam Lee', 'the other Sam', 2), sms('+12025550103', 'Alex Kim', 'only one Alex', 3)];
  const file = path.join(dir, 'sms.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="3">\n${lines.join('\n')}\n</smses>\n`);
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1200, height: 800 } }, { pageErrors }));
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url)) offOrigin.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noChromium)('two contacts with the same name show their numbers; one name alone does not', async () => {
  await page.goto(`${server.url}/`);
  const titles = page.locator('.conversation-title');
  await expect.poll(() => titles.count()).toBe(3);
  const texts = (await titles.allTextContents()).sort();
  expect(texts).toEqual(['Alex Kim', 'Sam Lee (+12025550101)', 'Sam Lee (+12025550102)']);
  // The statistics' top contacts too.
  await page.goto(`${server.url}/stats`);
  const top = page.locator('figure', { hasText: 'Top contacts by messages' }).locator('.top-name');
  await expect.poll(() => top.count()).toBe(3);
  expect((await top.allTextContents()).sort()).toEqual(['Alex Kim', 'Sam Lee (+12025550101)', 'Sam Lee (+12025550102)']);
});

test.skipIf(noChromium)('a web address in a message is a link to a new tab without referrer; markup stays text; nothing is fetched', async () => {
  await page.goto(`${server.url}/`);
  await page.locator('.conversation', { hasText: 'Sam Lee (+12025550101)' }).click();
  const body = page.locator('.bubble .body').first();
  await body.waitFor();
  // One message: "1 message", not "1 messages".
  expect(await page.locator('.thread-title .muted').textContent()).toMatch(/· 1 message$/);
  expect(await body.textContent()).toBe(LINK_TEXT);
  const links = body.locator('a');
  expect(await links.count()).toBe(2);
  const first = links.first();
  expect(await first.textContent()).toBe('https://menu.example.org/today?a=1&b=2');
  expect(await first.getAttribute('href')).toBe('https://menu.example.org/today?a=1&b=2');
  expect(await first.getAttribute('target')).toBe('_blank');
  expect(await first.getAttribute('rel')).toBe('noopener noreferrer');
  expect(await links.nth(1).getAttribute('href')).toBe('https://x.example.org/p.png');
  // The <img> in the text is text: no element, no request, no script.
  expect(await body.locator('img').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  await page.waitForTimeout(300);
  expect(offOrigin).toEqual([]);
  expect(pageErrors).toEqual([]);
});
