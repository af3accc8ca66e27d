/**
 * The gallery (issue 25) in the real `textvault serve` and Debian's Chromium: the Photos page's
 * month grid with real thumbnails, the type and person filters (kept in the URL), the lightbox
 * stepping by key, button and swipe across pages, "Go to message", a conversation's Media tab and
 * its ZIP; and on a phone-sized screen, 3,000 photos scroll to the bottom with a bounded number of
 * tiles in the DOM. Writes docs/screenshots/gallery*.png and phone-gallery*.png with
 * UPDATE_SCREENSHOTS=1.
 *
 * The vault is made cheaply: 12 small JPEGs drawn here with sharp (an SVG landscape in 12 hues), an
 * H.264 clip and an AMR note made with ffmpeg, a vCard and a PDF, as MMS parts of one SMS Backup &
 * Restore file; the 3,000 photos of "Camera Roll" reuse the 12 JPEGs (the vault stores each once,
 * so import and thumbnails stay fast), one MMS each, spread over 50 months.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { cliAsync } from '../helpers/cli.js';
import { amrClip } from '../helpers/media-fixtures.js';
import { CHROMIUM, FFMPEG, lacks } from '../helpers/system.js';
import { closeApp, openApp } from './app-page.js';
import type { ImageLike } from './dom.js';
import { launchBrowser, startServer, type RunningServer } from './harness.js';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : null;
const BULK = 3000;
const ALICE = { name: 'Alice Martin', number: '+15550100001' };
const BOB = { name: 'Bob Chen', number: '+15550100002' };
const CAMERA = { name: 'Camera Roll', number: '+15550100099' };

interface Part {
  ct: string;
  name: string;
  data: Buffer;
}

const missing = lacks(CHROMIUM, FFMPEG);
let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A landscape in one hue: sky, sun and hills, so screenshots look like photos and no two hues look alike. */
function landscape(hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360">
    <defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${String(hue)},70%,35%)"/><stop offset="1" stop-color="hsl(${String((hue + 40) % 360)},80%,75%)"/></linearGradient></defs>
    <rect width="480" height="360" fill="url(#s)"/>
    <circle cx="${String(120 + (hue % 240))}" cy="130" r="46" fill="hsl(${String((hue + 180) % 360)},90%,80%)"/>
    <path d="M0 260 Q120 180 240 250 T480 230 V360 H0 Z" fill="hsl(${String((hue + 120) % 360)},45%,30%)"/>
    <path d="M0 300 Q160 250 300 300 T480 290 V360 H0 Z" fill="hsl(${String((hue + 150) % 360)},40%,20%)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer();
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One received MMS with one attachment and a caption naming it. */
function mms(date: number, who: { name: string; number: string }, part: Part): string {
  return (
    `  <mms date="${String(date)}" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="${who.number}" read="1" sub="null" m_type="132" date_sent="0" readable_date="x" contact_name="${escapeAttr(who.name)}">\n` +
    `    <parts>\n      <part seq="0" ct="${part.ct}" name="${escapeAttr(part.name)}" chset="null" cl="${escapeAttr(part.name)}" data="${part.data.toString('base64')}" />\n` +
    `      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="Caption ${escapeAttr(part.name)}" />\n    </parts>\n` +
    `    <addrs>\n      <addr address="${who.number}" type="137" charset="106" />\n      <addr address="insert-address-token" type="151" charset="106" />\n    </addrs>\n  </mms>`
  );
}

/** Reads a ZIP's every entry (yauzl checks each local header and CRC): name and size. */
function zipEntries(buf: Buffer): Promise<{ name: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err !== null) {
        reject(err);
        return;
      }
      const entries: { name: string; size: number }[] = [];
      zip.on('error', reject);
      zip.on('end', () => {
        resolve(entries);
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e !== null) {
            reject(e);
            return;
          }
          let size = 0;
          stream.on('data', (d: Buffer) => (size += d.length));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, size });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

async function shot(p: Page, name: string): Promise<void> {
  const folder = SCREENSHOTS ?? path.join(dir, 'screenshots');
  fs.mkdirSync(folder, { recursive: true });
  await p.screenshot({ path: path.join(folder, `${name}.png`) });
}

/** Waits until every image tile on screen shows a decoded thumbnail. */
async function thumbnailsLoaded(p: Page, atLeast: number): Promise<void> {
  await expect
    .poll(
      () =>
        p.locator('.gallery-tile img').evaluateAll((els) => {
          const imgs = els as unknown as ImageLike[];
          return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0) ? imgs.length : 0;
        }),
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(atLeast);
}

const lightbox = (p: Page): ReturnType<Page['locator']> => p.locator('dialog.lightbox');

beforeAll(async () => {
  if (missing) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-gallery-'));
  const photos = await Promise.all(Array.from({ length: 12 }, (_, i) => landscape(i * 30)));
  const clip = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  const vcard = Buffer.from(['BEGIN:VCARD', 'VERSION:3.0', 'FN:Jonah Patel', 'TEL;TYPE=CELL:+15550100042', 'END:VCARD', ''].join('\r\n'));
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const rows: string[] = [];
  const at = (month: number, day: number, hour = 12): number => Date.UTC(2025, month, day, hour);
  // Alice (January to March 2025): five photos, a video, a voice note, a contact card, a PDF.
  for (let i = 0; i < 5; i++) rows.push(mms(at(i % 3, 3 + i), ALICE, { ct: 'image/jpeg', name: `alice-${String(i + 1)}.jpg`, data: photos[i] ?? Buffer.alloc(0) }));
  rows.push(mms(at(2, 20), ALICE, { ct: 'video/mp4', name: 'harbour.mp4', data: fs.readFileSync(clip) }));
  rows.push(mms(at(2, 21), ALICE, { ct: 'audio/amr', name: 'voice.amr', data: amrClip(1) }));
  rows.push(mms(at(1, 14), ALICE, { ct: 'text/x-vcard', name: 'Jonah Patel.vcf', data: vcard }));
  rows.push(mms(at(0, 30), ALICE, { ct: 'application/pdf', name: 'tickets.pdf', data: pdf }));
  // Bob (April 2025): three photos, the newest of the archive.
  for (let i = 0; i < 3; i++) rows.push(mms(at(3, 2 + i), BOB, { ct: 'image/jpeg', name: `bob-${String(i + 1)}.jpg`, data: photos[5 + i] ?? Buffer.alloc(0) }));
  // Camera Roll: 3,000 photos over 50 months before 2025.
  const start = Date.UTC(2020, 10, 1);
  const step = Math.floor((Date.UTC(2024, 11, 31) - start) / BULK);
  for (let i = 0; i < BULK; i++) rows.push(mms(start + i * step, CAMERA, { ct: 'image/jpeg', name: `IMG_${String(i).padStart(4, '0')}.jpg`, data: photos[i % 12] ?? Buffer.alloc(0) }));
  const file = path.join(dir, 'sms-gallery.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${String(rows.length)}">\n${rows.join('\n')}\n</smses>\n`);
  const imported = await cliAsync(['import', '--vault', path.join(dir, 'vault'), file]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1200, height: 860 }, timezoneId: 'UTC', locale: 'en-GB', colorScheme: 'light' }, { pageErrors, defaultTimeoutMs: 20_000 }));
}, 180_000);

afterAll(async () => {
  if (missing) return;
  await closeApp(browser, server, dir);
});

test.skipIf(missing)('the Photos page: months newest first, real thumbnails, type and person filters kept in the URL', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Photos' }).click();
  await page.waitForURL(/\/photos$/);
  const months = page.locator('.gallery-month');
  await expect.poll(() => months.first().textContent()).toContain('April 2025');
  expect(await months.nth(1).textContent()).toContain('March 2025');
  await expect.poll(() => page.locator('.gallery-bar [role=status]').textContent()).toBe(`${(BULK + 12).toLocaleString('en-GB')} items`);
  await thumbnailsLoaded(page, 6);
  // Newest first: Bob's April photos, the newest of them first.
  expect(await page.locator('.gallery-tile').first().getAttribute('aria-label')).toMatch(/^Photo bob-3\.jpg, Bob Chen/);
  // The video's tile is its poster with a play badge; audio, contact card and PDF are icon tiles with their names.
  const video = page.locator('.gallery-video');
  await expect.poll(() => video.locator('img').evaluate((el) => (el as unknown as ImageLike).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
  expect(await video.locator('.gallery-play').count()).toBe(1);
  expect(await page.locator('.gallery-audio .gallery-name').textContent()).toBe('voice.amr');
  expect(await page.locator('.gallery-vcard .gallery-name').textContent()).toBe('Jonah Patel.vcf');
  expect(await page.locator('.gallery-other .gallery-name').textContent()).toBe('tickets.pdf');
  await shot(page, 'gallery');

  // Videos only, kept over a reload.
  const type = page.getByRole('group', { name: 'Type' });
  await type.getByRole('button', { name: 'Videos', exact: true }).click();
  await page.waitForURL(/kind=video/);
  // A tile, not the placeholder the grid shows while its page loads.
  const tiles = page.locator('.gallery-tile:not(.gallery-placeholder)');
  await expect.poll(() => tiles.count()).toBe(1);
  await page.reload();
  await expect.poll(() => tiles.count()).toBe(1);
  expect(await type.getByRole('button', { name: 'Videos', exact: true }).getAttribute('aria-pressed')).toBe('true');
  expect(await tiles.getAttribute('aria-label')).toMatch(/^Video harbour\.mp4/);

  // A person: Alice's media only (all nine), photos only when asked.
  await type.getByRole('button', { name: 'All', exact: true }).click();
  await page.getByRole('textbox', { name: 'Person' }).fill('Alice');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.waitForURL(/contact=Alice/);
  await expect.poll(() => page.locator('.gallery-bar [role=status]').textContent()).toBe('9 items');
  expect(await page.locator('.gallery-tile').count()).toBe(9);
  await type.getByRole('button', { name: 'Photos', exact: true }).click();
  await page.waitForURL(/kind=image/);
  expect(new URL(page.url()).searchParams.get('contact')).toBe('Alice');
  await expect.poll(() => page.locator('.gallery-tile').count()).toBe(5);

  // A contact card opens as the card it is.
  await type.getByRole('button', { name: 'Contacts', exact: true }).click();
  await page.waitForURL(/kind=vcard/);
  await expect.poll(() => page.locator('.gallery-tile').count()).toBe(1);
  await page.locator('.gallery-tile').click();
  await lightbox(page).getByLabel('Contact card: Jonah Patel').waitFor();
  await page.keyboard.press('Escape');
  await lightbox(page).waitFor({ state: 'detached' });
  expect(pageErrors).toEqual([]);
}, 120_000);

test.skipIf(missing)('the lightbox steps through the filtered list by key, button and swipe, past what is loaded, and leads to the message', async () => {
  await page.goto(`${server.url}/photos`);
  await thumbnailsLoaded(page, 6);
  await page.locator('.gallery-tile').first().click();
  const box = lightbox(page);
  await box.waitFor();
  const image = box.locator('.lightbox-stage img');
  await expect.poll(() => image.evaluate((el) => (el as unknown as ImageLike).naturalWidth)).toBe(480);
  expect(await box.locator('.lightbox-position').textContent()).toBe(`1 of ${(BULK + 12).toLocaleString('en-GB')}`);
  expect(await box.locator('.lightbox-caption').textContent()).toContain('From Bob Chen');
  expect(await box.getByRole('link', { name: 'Download original' }).getAttribute('href')).toMatch(/^\/api\/media\/\d+\?download=1$/);
  expect(await box.getByRole('button', { name: 'Previous' }).getAttribute('aria-disabled')).toBe('true');
  const label = (): Promise<string | null> => box.getAttribute('aria-label');
  expect(await label()).toBe('Image bob-3.jpg');
  await shot(page, 'gallery-lightbox');

  await page.keyboard.press('ArrowRight');
  await expect.poll(label).toBe('Image bob-2.jpg');
  await box.getByRole('button', { name: 'Next' }).click();
  await expect.poll(label).toBe('Image bob-1.jpg');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(label).toBe('Image bob-2.jpg');
  await box.getByRole('button', { name: 'Previous' }).click();
  await expect.poll(label).toBe('Image bob-3.jpg');
  // A swipe to the left (a mouse drag, as pointer events) brings the next one.
  const stage = await box.locator('.lightbox-stage').boundingBox();
  expect(stage).not.toBeNull();
  if (stage !== null) {
    const y = stage.y + stage.height / 2;
    await page.mouse.move(stage.x + stage.width * 0.7, y);
    await page.mouse.down();
    await page.mouse.move(stage.x + stage.width * 0.45, y + 5, { steps: 5 });
    await page.mouse.move(stage.x + stage.width * 0.3, y + 8, { steps: 5 });
    await page.mouse.up();
  }
  await expect.poll(label).toBe('Image bob-2.jpg');
  // The voice note as audio with controls, the video from /view with controls.
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => box.locator('audio[controls]').count()).toBe(1);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => box.locator('video[controls]').count()).toBe(1);
  expect(await box.locator('video').getAttribute('src')).toMatch(/^\/api\/media\/\d+\/view$/);

  // On past the first page (200 items): the lightbox loads the next page itself.
  for (let i = 0; i < 230; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => box.locator('.lightbox-position').textContent()).toBe(`235 of ${(BULK + 12).toLocaleString('en-GB')}`);
  await expect.poll(label, { timeout: 20_000 }).toMatch(/^Image IMG_\d{4}\.jpg$/);
  const name = (await label())?.replace('Image ', '') ?? '';
  // 12 items are newer than the Camera Roll: place 235 is its 223rd newest photo.
  expect(name).toBe(`IMG_${String(BULK - 223).padStart(4, '0')}.jpg`);
  await expect.poll(() => image.evaluate((el) => (el as unknown as ImageLike).naturalWidth)).toBe(480);

  // Escape closes; the grid has scrolled to where the lightbox was.
  await page.keyboard.press('Escape');
  await box.waitFor({ state: 'detached' });
  await page.locator(`.gallery-tile[aria-label^="Photo ${name},"]`).waitFor();

  // "Go to message": the thread around that photo's message.
  await page.locator(`.gallery-tile[aria-label^="Photo ${name},"]`).click();
  await box.getByRole('link', { name: 'Go to message' }).click();
  await page.waitForURL(/\/c\/\d+\?around=\d+$/);
  const target = page.locator('.bubble-target');
  await target.waitFor();
  expect(await target.textContent()).toContain(`Caption ${name}`);

  // Back: the grid where it was, that photo on screen.
  await page.goBack();
  const tile = page.locator(`.gallery-tile[aria-label^="Photo ${name},"]`);
  await tile.waitFor();
  const view = await page.locator('.gallery-scroller').boundingBox();
  const seen = await tile.boundingBox();
  expect(view !== null && seen !== null && seen.y >= view.y && seen.y + seen.height <= view.y + view.height).toBe(true);
  expect(pageErrors).toEqual([]);
}, 120_000);

test.skipIf(missing)('a conversation has a Media tab with its own media, a type filter and all of it as a ZIP', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: /Alice Martin/ }).first().click();
  await page.waitForURL(/\/c\/\d+$/);
  await page.getByRole('navigation', { name: 'Conversation views' }).getByRole('link', { name: 'Media' }).click();
  await page.waitForURL(/\/c\/\d+\/media$/);
  await expect.poll(() => page.locator('.gallery-tile').count()).toBe(9);
  await thumbnailsLoaded(page, 5);
  expect(await page.locator('.gallery-month').allTextContents()).toEqual(['March 2025 · 3 items', 'February 2025 · 3 items', 'January 2025 · 3 items']);

  // To the last item by the Next button, then back by the arrow key: the focus stayed in the lightbox.
  await page.locator('.gallery-tile').nth(7).click();
  const box = lightbox(page);
  await box.getByRole('button', { name: 'Next' }).click();
  await expect.poll(() => box.locator('.lightbox-position').textContent()).toBe('9 of 9');
  expect(await box.getByRole('button', { name: 'Next' }).getAttribute('aria-disabled')).toBe('true');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => box.locator('.lightbox-position').textContent()).toBe('8 of 9');
  await page.keyboard.press('Escape');
  await box.waitFor({ state: 'detached' });

  await page.getByRole('group', { name: 'Type' }).getByRole('button', { name: 'Audio', exact: true }).click();
  await page.waitForURL(/\/media\?kind=audio$/);
  await expect.poll(() => page.locator('.gallery-tile').count()).toBe(1);
  expect(await page.locator('.gallery-tile .gallery-name').textContent()).toBe('voice.amr');

  // The ZIP: a real download of a valid archive holding the nine attachments.
  const link = page.getByRole('link', { name: 'Download all media (ZIP)' });
  expect(await link.getAttribute('href')).toMatch(/^\/api\/conversations\/\d+\/media\.zip$/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = path.join(dir, 'alice-media.zip');
  await download.saveAs(saved);
  const entries = await zipEntries(fs.readFileSync(saved));
  expect(entries.length).toBeGreaterThanOrEqual(9);
  expect(entries.map((e) => e.name).join(' ')).toContain('harbour.mp4');
  expect(entries.every((e) => e.size > 0)).toBe(true);

  // Back to the thread by its tab.
  await page.getByRole('navigation', { name: 'Conversation views' }).getByRole('link', { name: 'Messages' }).click();
  await page.waitForURL(/\/c\/\d+$/);
  await page.locator('[role="log"]').waitFor();
  expect(pageErrors).toEqual([]);
}, 120_000);

test.skipIf(missing)('on a phone, 3,000 photos scroll to the bottom with a bounded DOM, and a month jump lands at once', async () => {
  const phone = await launchBrowser();
  try {
    const context = await phone.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'UTC', locale: 'en-GB', colorScheme: 'light' });
    // The owner's session from the desktop context (the setup token is spent).
    await context.addCookies(await page.context().cookies());
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    let pages = 0;
    p.on('request', (r) => {
      if (/\/api\/gallery\?/.test(r.url())) pages++;
    });
    await p.goto(`${server.url}/photos?contact=${encodeURIComponent(CAMERA.name)}`);
    await expect.poll(() => p.locator('.gallery-bar [role=status]').textContent()).toBe(`${BULK.toLocaleString('en-GB')} items`);
    await thumbnailsLoaded(p, 12);
    // Four columns on a phone; a 2x screen takes the 320 px thumbnails.
    const first = p.locator('.gallery-row').first();
    expect(await first.locator('.gallery-tile').count()).toBe(4);
    await expect.poll(() => first.locator('img').first().evaluate((el) => (el as unknown as { currentSrc: string }).currentSrc)).toMatch(/\/thumb\/320$/);
    await shot(p, 'phone-gallery');

    // The month jump: one request opens the month at its newest photo, at the top of the view.
    const scroller = p.locator('.gallery-scroller');
    const before = pages;
    await p.getByLabel('Jump to month').selectOption('2022-06');
    const june = p.locator('.gallery-month', { hasText: 'June 2022' });
    await june.waitFor();
    const view = await scroller.boundingBox();
    const head = await june.boundingBox();
    expect(Math.abs((head?.y ?? 0) - (view?.y ?? -100))).toBeLessThan(3);
    await expect.poll(() => p.locator('.gallery-placeholder').count(), { timeout: 20_000 }).toBe(0);
    expect(pages - before).toBeLessThanOrEqual(2);

    // The lightbox on a phone.
    await thumbnailsLoaded(p, 12);
    // The first photo of June (rows above it are drawn too, off screen).
    await p.locator('.gallery-tile[aria-label*="Jun 2022"]').first().click();
    await lightbox(p).waitFor();
    expect(await lightbox(p).locator('.lightbox-caption').textContent()).toMatch(/^\d+ Jun 2022, .* · From Camera Roll · Go to message$/);
    await expect.poll(() => lightbox(p).locator('.lightbox-stage img').evaluate((el) => (el as unknown as ImageLike).naturalWidth)).toBe(480);
    await shot(p, 'phone-gallery-lightbox');
    await p.keyboard.press('Escape');
    await lightbox(p).waitFor({ state: 'detached' });

    const height = await scroller.evaluate((el) => (el as unknown as { scrollHeight: number }).scrollHeight);
    // 3,000 photos in 4 columns: 750 rows of ~97 px, plus the month headers.
    expect(height).toBeGreaterThan(60_000);
    let most = 0;
    // A screen at a time, fast, to the bottom (about 90 steps).
    for (let y = 0; y < height; y += 800) {
      await scroller.evaluate((el, top) => {
        (el as unknown as { scrollTop: number }).scrollTop = top;
      }, y);
      await p.waitForTimeout(16);
      most = Math.max(most, await p.locator('.gallery-tile').count());
    }
    // Three screens of rows (one on screen, one each way) at most: ~27 rows of 4.
    expect(most).toBeLessThanOrEqual(140);
    await scroller.evaluate((el) => {
      const s = el as unknown as { scrollTop: number; scrollHeight: number };
      s.scrollTop = s.scrollHeight;
    });
    // The oldest photo is there, with its thumbnail; the month menu names the first month.
    await p.locator('.gallery-tile[aria-label^="Photo IMG_0000.jpg,"]').waitFor({ timeout: 20_000 });
    await thumbnailsLoaded(p, 12);
    expect(await p.getByLabel('Jump to month').inputValue()).toBe('2020-11');
    expect(await p.locator('.gallery-tile').count()).toBeLessThanOrEqual(140);
    // Pages were fetched for what was seen, far fewer than one per screen scrolled.
    expect(pages).toBeLessThan(40);

    expect(errors).toEqual([]);
    await context.close();
  } finally {
    await phone.close();
  }
}, 180_000);
