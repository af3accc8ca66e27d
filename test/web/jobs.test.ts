/**
 * Cancelling a job from the web app: the real `textvault serve` and Debian's Chromium. A large
 * upload's import is stopped with the Cancel button next to its progress; the page says nothing
 * was changed, the Jobs list shows it cancelled, and the archive is as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { CHROMIUM, lacks } from '../helpers/system.js';
import { closeApp, openApp } from './app-page.js';
import { startServer, type RunningServer } from './harness.js';

let dir: string;
let big: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const unsafeWithoutCsrf: string[] = [];

// Skipped, with a note at the end of the run, where Chromium is not installed.
const noChromium = lacks(CHROMIUM);

beforeAll(async () => {
  if (noChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-web-jobs-'));
  big = path.join(dir, 'big-backup.xml');
  // Large enough that its import runs for seconds after the upload.
  await writeSmsBackup(big, { seed: 61, sms: 100_000, mms: 100, mediaBytes: 20_000 });
  server = await startServer(path.join(dir, 'vault'));
  ({ browser, page } = await openApp(server, { viewport: { width: 1280, height: 900 } }, { pageErrors }));
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/api/jobs/') && r.headers()['x-csrf-token'] === undefined) unsafeWithoutCsrf.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  if (noChromium) return;
  await closeApp(browser, server, dir);
});

async function summary(): Promise<{ sms: number; backups: number }> {
  return page.evaluate(async () => {
    const r = await fetch('/api/stats/summary');
    return (await r.json()) as { sms: number; backups: number };
  });
}

test.skipIf(noChromium)('the Cancel button stops a running import: cancelled, nothing changed, shown in the Jobs list', async () => {
  await page.goto(`${server.url}/backups`);
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  await page.getByLabel('Backup file').setInputFiles(big);
  await page.getByRole('button', { name: 'Upload and import' }).click();

  const form = page.locator('.upload-form');
  // The import is under way: running, with part of the file read.
  await form.locator('.job[data-job-status="running"]').waitFor({ timeout: 60_000 });
  const cancel = form.getByRole('button', { name: /^Cancel import job \d+$/ });
  await cancel.click();

  await form.getByText('Import of big-backup.xml was cancelled. Nothing was changed in the archive.').waitFor({ timeout: 30_000 });
  expect(await form.locator('.job').getAttribute('data-job-status')).toBe('cancelled');
  // The Jobs list (which also shows jobs a phone or a folder started) has it, with no Cancel left.
  const row = page.locator('.jobs-table tr[data-job-status="cancelled"]');
  await row.waitFor({ timeout: 30_000 });
  expect(await row.textContent()).toContain('big-backup.xml');
  expect(await row.getByRole('button', { name: /Cancel/ }).count()).toBe(0);

  expect(await summary()).toMatchObject({ sms: 0, backups: 0 });
  expect(unsafeWithoutCsrf).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 180_000);
