/**
 * Media converted for the browser (issue 25), in the real `textvault serve` and Debian's Chromium:
 * a HEIC photo renders (as a thumbnail in the bubble, the JPEG view in the lightbox), a 3GP video
 * with AMR audio plays (readyState >= 2), an AMR voice note plays, an animated GIF is itself, a
 * truncated HEIC says it could not be shown and offers its download, no bubble fetches a
 * full-size original, and the original downloads byte for byte with its own name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import { backupWithMedia, makeMediaFixtures, type MediaFixture } from '../helpers/media-fixtures.js';
import { CHROMIUM, FFMPEG, HEIF_TOOLS, lacks } from '../helpers/system.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';
import type { ImageLike } from './dom.js';

interface MediaLike {
  readyState: number;
  muted: boolean;
  play(): Promise<void>;
}

const missing = lacks(CHROMIUM, FFMPEG, HEIF_TOOLS);
let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
let heic: MediaFixture;
/** Requests for a part's original bytes (`/api/media/ID`, not its view or thumbnails). */
const originals: string[] = [];

beforeAll(async () => {
  if (missing) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-media-'));
  const f = await makeMediaFixtures(dir);
  heic = f.heic;
  const cut: MediaFixture = { ...f.heic, name: 'cut.heic', bytes: f.heic.bytes.subarray(0, 3000) };
  const file = backupWithMedia(dir, [f.heic, f.video3gp, f.amr, f.gif, cut]);
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1200, height: 900 } }));
  page.on('request', (r) => {
    if (/\/api\/media\/\d+(\?.*)?$/.test(r.url())) originals.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  if (missing) return;
  await closeApp(browser, server, dir);
});

test.skipIf(missing)('a thread shows HEIC, 3GP, AMR and GIF in the browser, and a truncated file as a download', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: /Sam Media/ }).first().click();
  await page.getByText('Caption cut.heic').waitFor();

  const photo = page.locator('.part-image img[alt="IMG_0001.heic"]');
  await photo.scrollIntoViewIfNeeded();
  await expect.poll(() => photo.evaluate((el) => (el as unknown as ImageLike).complete && (el as unknown as ImageLike).naturalWidth), { timeout: 30_000 }).toBe(320);
  expect(await photo.evaluate((el) => (el as unknown as { currentSrc: string }).currentSrc)).toMatch(/\/thumb\/320$/);

  const gif = page.locator('img[alt="wave.gif"]');
  await gif.scrollIntoViewIfNeeded();
  await expect.poll(() => gif.evaluate((el) => (el as unknown as ImageLike).naturalWidth), { timeout: 30_000 }).toBe(96);
  expect(await gif.getAttribute('src')).toMatch(/\/view$/);

  for (const [selector, name] of [
    ['video.part-video', 'clip.3gp'],
    ['audio.part-audio', 'voice.amr'],
  ] as const) {
    const el = page.locator(selector).first();
    await el.scrollIntoViewIfNeeded();
    await el.evaluate(async (m) => {
      const media = m as unknown as MediaLike;
      media.muted = true;
      await media.play();
    });
    await expect.poll(() => el.evaluate((m) => (m as unknown as MediaLike).readyState), { timeout: 60_000, message: name }).toBeGreaterThanOrEqual(2);
  }

  // The truncated HEIC: "could not be shown", and its download.
  const note = page.locator('.part-not-shown', { hasText: 'could not be shown' });
  await note.waitFor({ timeout: 30_000 });
  expect(await note.getByRole('link', { name: /cut\.heic/ }).getAttribute('href')).toMatch(/\/api\/media\/\d+\?download=1$/);

  // Full size in the lightbox: the JPEG the server made.
  await photo.click();
  const full = page.locator('dialog.lightbox img');
  await expect.poll(() => full.evaluate((el) => (el as unknown as ImageLike).naturalWidth), { timeout: 30_000 }).toBe(640);
  await page.keyboard.press('Escape');

  // No bubble asked for an original: only the download links name them (never fetched here).
  expect(originals).toEqual([]);

  // The original, byte for byte, with its own name and type.
  const src = (await photo.getAttribute('src')) ?? '';
  const id = /\/api\/media\/(\d+)\//.exec(src)?.[1] ?? '';
  const res = await page.request.get(`${server.url}/api/media/${id}?download=1`);
  expect(res.status()).toBe(200);
  expect(Buffer.from(await res.body()).equals(heic.bytes)).toBe(true);
  expect(res.headers()['content-disposition']).toContain('filename="IMG_0001.heic"');
  expect(res.headers()['content-type']).toBe('image/heic');
  const view = await page.request.get(`${server.url}/api/media/${id}/view`);
  expect(view.headers()['content-type']).toBe('image/jpeg');
  expect(view.headers()['content-security-policy']).toContain('sandbox');
  expect(view.headers()['x-content-type-options']).toBe('nosniff');
}, 180_000);
