/**
 * Printing a date range of a thread from its menu (issue 25), the real `textvault serve` and
 * Debian's Chromium under print media: only the chosen days print, each under its own day header
 * that starts a new page, with names, numbers and times, and a wide photo scaled into the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { CHROMIUM, lacks, POPPLER } from '../helpers/system.js';
import { closeApp } from './app-page.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';
import type { ImageLike } from './dom.js';
import { loginCookies } from './login.js';

/** What the page's getComputedStyle answers, as these checks read it (the tests compile without the DOM library). */
type StyleOf = (element: unknown) => { breakBefore: string; maxWidth: string; getPropertyValue: (name: string) => string };

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const noPrint = lacks(CHROMIUM, POPPLER);
const NUMBER = '+12025550142';
const DAYS = 5;
const PER_DAY = 4;

function sms(day: number, i: number): string {
  return `  <sms protocol="0" address="${NUMBER}" date="${Date.UTC(2026, 2, day, 9 + i)}" type="${i % 2 === 0 ? 1 : 2}" subject="null" body="Day ${day} line ${i}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="x" contact_name="Riley Range" />`;
}

/** An MMS on day 3 with a photo far wider than any page. */
async function widePhoto(): Promise<string> {
  const png = await sharp({ create: { width: 3000, height: 400, channels: 3, background: '#3a7' } }).png().toBuffer();
  return (
    `  <mms date="${Date.UTC(2026, 2, 3, 20)}" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="${NUMBER}" read="1" sub="null" m_type="132" date_sent="0" readable_date="x" contact_name="Riley Range">\n` +
    `    <parts>\n      <part seq="0" ct="image/png" name="panorama.png" chset="null" cl="panorama.png" data="${png.toString('base64')}" />\n` +
    `      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="The whole bay" />\n    </parts>\n` +
    `    <addrs>\n      <addr address="${NUMBER}" type="137" charset="106" />\n      <addr address="insert-address-token" type="151" charset="106" />\n    </addrs>\n  </mms>`
  );
}

beforeAll(async () => {
  if (noPrint) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-print-range-'));
  const lines: string[] = [];
  for (let day = 1; day <= DAYS; day++) for (let i = 0; i < PER_DAY; i++) lines.push(sms(day, i));
  lines.push(await widePhoto());
  const file = path.join(dir, 'sms.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${lines.length}">\n${lines.join('\n')}\n</smses>\n`);
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, timezoneId: 'UTC', locale: 'en-GB' });
  context.setDefaultTimeout(20_000);
  await context.addCookies(await loginCookies(server));
  // Headless Chromium has no print dialog: count the calls instead (the print itself is checked under print media below).
  await context.addInitScript(() => {
    const w = globalThis as unknown as { print: () => void; printCalls: number };
    w.printCalls = 0;
    w.print = () => {
      w.printCalls++;
    };
  });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  if (noPrint) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noPrint)('Print… from the thread menu prints the chosen days only, a page each, with names, numbers, times and a scaled photo', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: /Riley Range/ }).first().click();
  await page.getByText('Day 5 line 3').waitFor();

  await page.getByRole('button', { name: 'Print…' }).click();
  const form = page.getByRole('form', { name: 'Print this conversation' });
  await form.getByLabel('From').fill('2026-03-02');
  await form.getByLabel('To').fill('2026-03-04');
  await form.getByRole('button', { name: 'Print', exact: true }).click();
  await form.getByText(`${3 * PER_DAY + 1} messages ready to print.`).waitFor();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { printCalls: number }).printCalls)).toBe(1);

  await page.emulateMedia({ media: 'print' });
  const printed = page.locator('.thread-print');
  await printed.waitFor();
  const text = (await printed.textContent()) ?? '';
  for (const day of [2, 3, 4]) for (let i = 0; i < PER_DAY; i++) expect(text).toContain(`Day ${day} line ${i}`);
  expect(text).not.toContain('Day 1 line');
  expect(text).not.toContain('Day 5 line');
  // Who and when: the name with the number, the range, each message's sender and time.
  expect(await printed.locator('.print-header').textContent()).toContain(`Riley Range (${NUMBER})`);
  expect(await printed.locator('.print-header').textContent()).toMatch(/2 March 2026 – Wednesday, 4 March 2026/);
  expect(await printed.locator('.print-message', { hasText: 'Day 2 line 0' }).locator('.print-meta').textContent()).toBe(`Riley Range (${NUMBER}) · 09:00`);
  expect(await printed.locator('.print-message', { hasText: 'Day 2 line 1' }).locator('.print-meta').textContent()).toMatch(/^Me · 10:00/);

  // One section per day under its date, each after the first starting a new page.
  expect(await printed.locator('.print-day-header').allTextContents()).toEqual(['Monday, 2 March 2026', 'Tuesday, 3 March 2026', 'Wednesday, 4 March 2026']);
  const breaks = await printed.locator('.print-day').evaluateAll((els) => els.map((el) => (globalThis as unknown as { getComputedStyle: StyleOf }).getComputedStyle(el).breakBefore));
  expect(breaks).toEqual(['auto', 'page', 'page']);
  const legacy = await printed.locator('.print-day').evaluateAll((els) => els.map((el) => (globalThis as unknown as { getComputedStyle: StyleOf }).getComputedStyle(el).getPropertyValue('page-break-before')));
  expect(legacy).toEqual(['auto', 'always', 'always']);

  // The 3000-pixel photo is scaled down to the page's width, keeping its shape.
  const img = printed.locator('img[alt="panorama.png"]');
  await img.scrollIntoViewIfNeeded();
  await expect.poll(() => img.evaluate((el) => (el as ImageLike).complete && (el as ImageLike).naturalWidth > 0)).toBe(true);
  // Printed at its own size, loaded at once: a 320-pixel thumbnail stretched over the page is blurred.
  expect(await img.evaluate((el) => (el as ImageLike).naturalWidth)).toBe(3000);
  expect(await img.getAttribute('loading')).toBe('eager');
  expect(await img.evaluate((el) => (globalThis as unknown as { getComputedStyle: StyleOf }).getComputedStyle(el).maxWidth)).toBe('100%');
  const box = await img.boundingBox();
  const page1 = await printed.boundingBox();
  expect(box).not.toBeNull();
  if (box !== null && page1 !== null) {
    expect(box.width).toBeLessThanOrEqual(page1.width);
    expect(box.width / box.height).toBeCloseTo(3000 / 400, 0);
  }

  // Chromium's PDF: the three days on pages of their own, nothing outside the range, no controls.
  const pdf = path.join(dir, 'range.pdf');
  fs.writeFileSync(pdf, await page.pdf({ format: 'A4' }));
  const pages = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).split('\f');
  const pageOf = (s: string): number => pages.findIndex((p) => p.includes(s));
  expect(pageOf('Day 2 line 0')).toBeGreaterThanOrEqual(0);
  expect(pageOf('Day 3 line 0')).toBeGreaterThan(pageOf('Day 2 line 3'));
  expect(pageOf('Day 4 line 0')).toBeGreaterThan(pageOf('The whole bay'));
  expect(pages.join('')).not.toContain('Day 1 line');
  expect(pages.join('')).not.toContain('Day 5 line');
  expect(pages.join('')).not.toContain('Export this conversation');
}, 90_000);
