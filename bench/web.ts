/**
 * Browser timings on a big vault: the real `textvault serve` (built CLI) and Debian's Chromium,
 * from navigation start to the first rows on screen, median of five warm loads (the first load,
 * cold, is reported too).
 * Usage: npm run build && tsx bench/web.ts VAULT_DIR (an imported vault, e.g. the 1,000,000-message
 * sms-heavy one that `BENCH_API_VAULT` keeps for bench/api.ts). Prints a Markdown table.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../test/web/harness.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: tsx bench/web.ts VAULT_DIR\n');
  process.exit(2);
}

const user = { username: 'bench', password: 'bench password' };
const server = await startServer(dir);
const browser = await launchBrowser();

interface Row {
  what: string;
  cold: number;
  median: number;
  max: number;
}
const rows: Row[] = [];

async function cookies(): Promise<{ name: string; value: string; url: string }[]> {
  const path = server.setupToken === null ? '/api/login' : '/api/setup';
  const body = server.setupToken === null ? user : { ...user, token: server.setupToken };
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: server.url };
  });
}

/** Loads `url` six times; each time, ms from navigation start until `selector` is visible. */
async function timeLoads(page: Page, what: string, url: string, selector: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    await page.goto(server.url + url);
    await page.locator(selector).first().waitFor({ timeout: 60_000 });
    times.push(await page.evaluate(() => performance.now()));
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  rows.push({ what, cold: times[0] ?? 0, median: warm[2] ?? 0, max: warm[4] ?? 0 });
  process.stderr.write(`${what}: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(await cookies());
  const page = await context.newPage();
  const summary = (await page.request.get(`${server.url}/api/stats/summary`).then((r) => r.json())) as { sms: number; mms: number; conversations: number };
  const list = (await page.request.get(`${server.url}/api/conversations?limit=500`).then((r) => r.json())) as { items: { id: number; messageCount: number; snippet: string | null }[] };
  const biggest = [...list.items].sort((a, b) => b.messageCount - a.messageCount)[0];
  if (biggest === undefined) throw new Error('the vault has no conversation');
  const word = (list.items.map((c) => c.snippet ?? '').join(' ').match(/\p{L}{4,}/u) ?? ['message'])[0];

  await timeLoads(page, `conversation list (${summary.conversations.toLocaleString('en')} threads)`, '/', '.conversation');
  await timeLoads(page, `thread, newest page (${biggest.messageCount.toLocaleString('en')} messages)`, `/c/${biggest.id}`, '.bubble');
  await timeLoads(page, `search "${word}", first results`, `/search?q=${encodeURIComponent(word)}`, '.search-hit');
  await timeLoads(page, 'statistics, charts drawn', '/stats', '.recharts-bar-rectangle');

  process.stdout.write(`Vault: ${(summary.sms + summary.mms).toLocaleString('en')} messages, ${summary.conversations.toLocaleString('en')} conversations.\n\n`);
  process.stdout.write('| page | first load (cold) ms | median of 5 warm ms | slowest warm ms |\n| --- | ---: | ---: | ---: |\n');
  for (const r of rows) process.stdout.write(`| ${r.what} | ${r.cold.toFixed(0)} | ${r.median.toFixed(0)} | ${r.max.toFixed(0)} |\n`);
} finally {
  await browser.close();
  await server.stop();
}
