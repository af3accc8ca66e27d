import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { CHROMIUM, programPath } from './system.js';

/** The system's Chromium, found on PATH or $TEXTVAULT_CHROMIUM (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: programPath(CHROMIUM),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
  });
}

/** A context where every request that is not a file:// URL is aborted, and counted. */
export async function offlineContext(browser: Browser): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext({ offline: true });
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) await route.continue();
    else {
      blocked.push(url);
      await route.abort();
    }
  });
  return { context, blocked };
}

/** docs/screenshots when asked to update them (UPDATE_SCREENSHOTS=1), else null. */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : null;

/** A screenshot of the page into docs/screenshots (UPDATE_SCREENSHOTS=1) or the test's scratch folder; a blank one fails. */
export async function screenshot(page: Page, scratchDir: string, name: string): Promise<void> {
  const file = path.join(SCREENSHOTS ?? path.join(scratchDir, 'screenshots'), `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  if (fs.statSync(file).size <= 5000) throw new Error(`screenshot ${name} is nearly empty: the page did not render`);
}
