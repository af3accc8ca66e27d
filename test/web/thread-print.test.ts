/**
 * Printing a conversation from the browser (issue 26 item 6), the real `textvault serve` and
 * Debian's Chromium: the print (Chromium's PDF of the thread page under print media) holds the
 * messages, not a blank page, and a portrait photo keeps its shape in it. Its first page, as
 * poppler renders the PDF, is docs/screenshots/print.png with UPDATE_SCREENSHOTS=1.
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
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const noPrint = lacks(CHROMIUM, POPPLER);
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : null;
const COUNT = 60;

function sms(i: number): string {
  return `  <sms protocol="0" address="+12025550111" date="${Date.UTC(2026, 2, 1, 12, i)}" type="${i % 2 === 0 ? 1 : 2}" subject="null" body="Print line ${i} of the walk" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="x" contact_name="Robin Print" />`;
}

async function portraitMms(): Promise<string> {
  const png = await sharp({ create: { width: 300, height: 600, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  return (
    `  <mms date="${Date.UTC(2026, 2, 1, 13, 30)}" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="+12025550111" read="1" sub="null" m_type="132" date_sent="0" readable_date="x" contact_name="Robin Print">\n` +
    `    <parts>\n      <part seq="0" ct="image/png" name="tall.png" chset="null" cl="tall.png" data="${png.toString('base64')}" />\n` +
    `      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="The last photo" />\n    </parts>\n` +
    `    <addrs>\n      <addr address="+12025550111" type="137" charset="106" />\n      <addr address="insert-address-token" type="151" charset="106" />\n    </addrs>\n  </mms>`
  );
}

beforeAll(async () => {
  if (noPrint) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-print-'));
  const lines = Array.from({ length: COUNT }, (_, i) => sms(i));
  lines.push(await portraitMms());
  const file = path.join(dir, 'sms.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${lines.length}">\n${lines.join('\n')}\n</smses>\n`);
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1200, height: 800 } }));
}, 120_000);

afterAll(async () => {
  if (noPrint) return;
  await closeApp(browser, server, dir);
});

test.skipIf(noPrint)('printing a thread prints its messages, and photos keep their shape', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: /Robin Print/ }).first().click();
  // A message of the thread itself: 'The last photo' is also the conversation list's snippet,
  // and printing while the thread still loads printed "Loading messages…" (CI, Node 24, under load).
  await page.getByText(`Print line ${COUNT - 1} of the walk`).waitFor();
  await page.getByText('The last photo').waitFor();

  // As Chromium prints a page (beforeprint, print media), then with print media kept on to measure.
  const direct = path.join(dir, 'direct.pdf');
  fs.writeFileSync(direct, await page.pdf({ format: 'A4' }));
  const directText = execFileSync('pdftotext', ['-enc', 'UTF-8', direct, '-'], { encoding: 'utf8' });
  expect(directText).toContain('Print line 0 of the walk');
  await page.emulateMedia({ media: 'print' });
  const img = page.locator('img[alt="tall.png"]');
  await img.waitFor();
  // Loaded, so the box has the image's own shape rather than a placeholder's.
  await expect.poll(() => img.evaluate((el) => (el as { naturalWidth: number }).naturalWidth)).toBe(300);
  const box = await img.boundingBox();
  expect(box).not.toBeNull();
  if (box !== null) expect(box.width / box.height).toBeCloseTo(0.5, 1);

  const pdf = path.join(dir, 'thread.pdf');
  fs.writeFileSync(pdf, await page.pdf({ format: 'A4' }));
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  // Every loaded message, oldest to newest, not just the rows on screen; no page chrome.
  for (const i of [0, 1, Math.floor(COUNT / 2), COUNT - 1]) expect(text).toContain(`Print line ${i} of the walk`);
  expect(text).toContain('The last photo');
  expect(text).not.toContain('Export this conversation');
  // The Messages | Media tabs are the page's, not the thread's (a later rule once showed them on paper).
  expect(text).not.toMatch(/Messages\s+Media/);
  expect(text.indexOf('Print line 0 of')).toBeLessThan(text.indexOf(`Print line ${COUNT - 1} of`));

  // The print preview: the PDF's first page as an image.
  const preview = path.join(SCREENSHOTS ?? dir, 'print');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', '-f', '1', '-l', '1', pdf, preview]);
  expect(fs.statSync(`${preview}.png`).size).toBeGreaterThan(1000);
}, 60_000);
