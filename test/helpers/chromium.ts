import { chromium, type Browser, type BrowserContext } from 'playwright-core';

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
