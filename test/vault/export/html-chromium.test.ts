import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHtml, HTML_DIR } from '../../../src/vault/export/html-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import { launchChromium, offlineContext } from '../../helpers/chromium.js';
import { CHROMIUM, lacks } from '../../helpers/system.js';
import { importExportFixture } from '../../helpers/export-fixture.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

const vault = useVaults();
let browser: Browser;
// Skipped, with a note at the end of the run, where Chromium is not installed.
const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (!noChromium) browser = await launchChromium();
});
afterAll(async () => {
  if (!noChromium) await browser.close();
});

describe.skipIf(noChromium)('HTML export in Chromium, offline', () => {
  it('renders every page from file:// with its images loaded, no network and no script', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    await exportHtml(v, { kinds: new Set<ExportKind>(['sms', 'mms', 'calls']) }, { outDir: out, pageSize: 3 });
    const site = path.join(out, HTML_DIR);
    const { context, blocked } = await offlineContext(browser);
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));

    const index = pathToFileURL(path.join(site, 'index.html')).href;
    await page.goto(index);
    // Page scripts are strings: the project's TypeScript has no DOM types outside web/.
    const links = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('a[href^="c/"]'), (a) => a.getAttribute('href'))`);
    expect(links).toHaveLength(4);
    let images = 0;
    const media: string[] = [];
    for (const link of links) {
      // Walk every page of the conversation through its "Newer" links, as a reader would.
      let url: string | undefined = new URL(link, index).href;
      while (url !== undefined) {
        await page.goto(url);
        await page.waitForLoadState('load');
        // lazy images load when scrolled to; load them all.
        await page.evaluate(`for (const i of document.images) i.loading = 'eager'`);
        // Polled from here: waitForFunction polls inside the page by evaluating the string there,
        // which the page's own CSP (script-src 'none') refuses whenever the first check is false.
        await expect.poll(() => page.evaluate<boolean>(`Array.from(document.images).every((i) => i.complete)`), { timeout: 10_000 }).toBe(true);
        const widths = await page.evaluate<number[]>(`Array.from(document.images, (i) => i.naturalWidth)`);
        for (const w of widths) expect(w).toBeGreaterThan(0);
        images += widths.length;
        media.push(...(await page.evaluate<string[]>(`Array.from(document.querySelectorAll('video, audio'), (e) => e.src)`)));
        expect(await page.evaluate<number>(`document.scripts.length`)).toBe(0);
        // The stylesheet applied: bubbles have their rounded corners.
        expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('.bubble')).borderTopLeftRadius`)).toBe('18px');
        const next = await page.$('a[rel="next"]');
        url = next ? new URL((await next.getAttribute('href')) ?? '', page.url()).href : undefined;
      }
    }
    expect(images).toBe(2);
    // The video and audio the pages play are files of the export.
    expect(media).toHaveLength(2);
    for (const m of media) expect(fs.existsSync(new URL(m))).toBe(true);
    await page.goto(pathToFileURL(path.join(site, 'calls', 'page-0001.html')).href);
    expect(await page.evaluate<number>(`document.querySelectorAll('tbody tr').length`)).toBe(3);
    expect(blocked).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 60_000);
});
