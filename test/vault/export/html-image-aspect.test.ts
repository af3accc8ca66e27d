/**
 * Photos keep their shape in the HTML export (issue 26 item 6), on screen (a phone-narrow
 * window, where images are scaled down to fit) and printed: each image's box in Chromium has its
 * picture's aspect ratio.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHtml, HTML_DIR } from '../../../src/vault/export/html-export.js';
import { launchChromium, offlineContext } from '../../helpers/chromium.js';
import { backupWithPhotos, SHAPES } from '../../helpers/photos.js';
import { CHROMIUM, lacks } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const vault = useVaults();
let browser: Browser;
const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (!noChromium) browser = await launchChromium();
});
afterAll(async () => {
  if (!noChromium) await browser.close();
});

describe.skipIf(noChromium)('HTML export images', () => {
  it('keep the aspect ratio of portrait, square and landscape photos, on a narrow screen and printed', async () => {
    const v = await vault();
    await importAll(v, [await backupWithPhotos(tempDir())]);
    const out = tempDir();
    await exportHtml(v, { kinds: new Set(['mms']) }, { outDir: out });
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    await page.setViewportSize({ width: 240, height: 700 });
    await page.goto(pathToFileURL(path.join(out, HTML_DIR, 'index.html')).href);
    const link = await page.evaluate<string | null>(`document.querySelector('a[href^="c/"]')?.getAttribute('href') ?? null`);
    expect(link).not.toBeNull();
    await page.goto(new URL(link ?? '', page.url()).href);
    await page.evaluate(`for (const i of document.images) i.loading = 'eager'`);
    await expect.poll(() => page.evaluate<boolean>(`Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)`), { timeout: 10_000 }).toBe(true);
    for (const media of ['screen', 'print'] as const) {
      await page.emulateMedia({ media });
      const boxes = await page.evaluate<{ w: number; h: number }[]>(`Array.from(document.images, (i) => { const r = i.getBoundingClientRect(); return { w: r.width, h: r.height }; })`);
      expect(boxes).toHaveLength(SHAPES.length);
      for (const [i, s] of SHAPES.entries()) {
        const box = boxes[i] ?? { w: 0, h: 1 };
        expect(box.w / box.h, `${s.name} (${media}): ${box.w} x ${box.h}`).toBeCloseTo(s.width / s.height, 1);
      }
    }
    await context.close();
  }, 60_000);
});
