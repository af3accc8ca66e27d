/**
 * The set-up every browser test shares: Chromium, a context logged in to the running server, one
 * page; and the teardown that closes them, stops the server and removes the test's folder.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, type RunningServer } from './harness.js';
import { loginCookies } from './login.js';

export interface AppPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Chromium with a context logged in to `server` (as the owner) and one page. `pageErrors`
 * collects what the page throws, for a test to expect none; `defaultTimeoutMs` for slow steps.
 */
export async function openApp(server: RunningServer, options: BrowserContextOptions, extra: { pageErrors?: string[]; defaultTimeoutMs?: number } = {}): Promise<AppPage> {
  const browser = await launchBrowser();
  const context = await browser.newContext(options);
  if (extra.defaultTimeoutMs !== undefined) context.setDefaultTimeout(extra.defaultTimeoutMs);
  await context.addCookies(await loginCookies(server));
  const page = await context.newPage();
  const errors = extra.pageErrors;
  if (errors !== undefined) page.on('pageerror', (e) => errors.push(String(e)));
  return { browser, context, page };
}

/** Closes the browser, stops the server and removes the folder (each as far as it was made). */
export async function closeApp(browser: Browser | undefined, server: RunningServer | undefined, dir: string | undefined): Promise<void> {
  await browser?.close();
  await server?.stop();
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
}
