/**
 * The conversation list with 10,000 threads: it renders in under a second and stays virtualised
 * (a bounded number of rows in the DOM) while pages load as the user scrolls.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { loginCookies } from './login.js';

const THREADS = 10_000;
/** Issue #4: the conversation list renders in under 1 s. */
const BUDGET_MS = 1000;

let dir: string;
let server: RunningServer;
let browser: Browser;

function manyThreadsXml(n: number): string {
  const base = Date.UTC(2026, 0, 1);
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const number = `+1555${String(2_000_000 + i).padStart(7, '0')}`;
    rows.push(`<sms protocol="0" address="${number}" date="${base + i * 60_000}" type="${i % 2 === 0 ? 1 : 2}" body="Message number ${i}" read="1" status="-1" locked="0" date_sent="0" contact_name="Person ${i}" />`);
  }
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${n}">\n${rows.join('\n')}\n</smses>\n`;
}

// Skipped, with a note at the end of the run, where Chromium is not installed.
const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-list-'));
  const file = path.join(dir, 'sms-many.xml');
  fs.writeFileSync(file, manyThreadsXml(THREADS));
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
});

afterAll(async () => {
  if (noChromium) return;
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.skipIf(noChromium)(`the conversation list of ${THREADS.toLocaleString('en')} threads renders in under ${BUDGET_MS} ms and stays virtualised`, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(await loginCookies(server));
  const page = await context.newPage();
  // From navigation start to the first rows on screen. The first load also pays for the server's
  // one-time list cache after an import; it is reported but the median of the rest is judged, so
  // one load slowed by other work on a shared CI machine does not fail the test.
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    await page.goto(`${server.url}/`);
    await page.locator('.conversation').first().waitFor();
    times.push(await page.evaluate(() => performance.now()));
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] ?? Infinity;
  console.log(`conversation list (${THREADS} threads): first rows after ${times.map((t) => t.toFixed(0)).join(', ')} ms (first load cold); median ${median.toFixed(0)} ms`);
  expect(median).toBeLessThan(BUDGET_MS);

  // Newest first: the last imported message is the top row.
  expect(await page.locator('.conversation').first().textContent()).toContain(`Person ${THREADS - 1}`);

  // Scroll far down: more pages load, yet the DOM holds only the rows near the viewport.
  const pages: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/conversations?') && r.url().includes('cursor=')) pages.push(r.url());
  });
  const list = page.locator('.conversation-list');
  await list.hover();
  for (let i = 0; i < 30 && pages.length < 3; i++) {
    await page.mouse.wheel(0, 20_000);
    await page.waitForTimeout(150);
  }
  expect(pages.length).toBeGreaterThanOrEqual(3);
  expect(await page.locator('.conversation').count()).toBeLessThan(100);
  await context.close();
});
