/**
 * Browser timings on a big vault: the real `textvault serve` (built CLI) and Debian's Chromium,
 * from navigation start to the first rows on screen, median of five warm loads (the first load,
 * cold, is reported too); and, when the vault has media, a fling through the Photos grid on a
 * phone-sized screen (issue 25): frame times and the main thread's share spent in script.
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

const FLING_PX_PER_MS = 3;
const FLING_MS = 5000;

interface Fling {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Of the fling's wall time, how much the page's main thread spent running script. */
  scriptShare: number;
  tiles: number;
}

/**
 * The Photos grid on a phone-sized screen, scrolled at a steady 3,000 px/s (a fast fling) by the
 * page itself, one step per animation frame: the frame intervals (16.7 ms is 60 frames a second)
 * and Chromium's own script time over the same span.
 */
async function galleryFling(session: Awaited<ReturnType<typeof cookies>>): Promise<Fling> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await context.addCookies(session);
  const page = await context.newPage();
  await page.goto(`${server.url}/photos`);
  await page.locator('.gallery-tile img').first().waitFor({ timeout: 60_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const script = async (): Promise<number> => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0;
  const before = await script();
  const frames = await page.locator('.gallery-scroller').evaluate(
    async (el, [speed, span]) => {
      const s = el as unknown as { scrollTop: number; scrollHeight: number };
      const raf = (globalThis as unknown as { requestAnimationFrame: (f: (t: number) => void) => void }).requestAnimationFrame;
      const deltas: number[] = [];
      // A loop, not a named callback: tsx names functions with a helper the page does not have.
      let now = await new Promise<number>((r) => {
        raf(r);
      });
      const t0 = now;
      while (now - t0 < span) {
        s.scrollTop = Math.min(s.scrollHeight, (now - t0) * speed);
        const last = now;
        now = await new Promise<number>((r) => {
          raf(r);
        });
        deltas.push(now - last);
      }
      return deltas;
    },
    [FLING_PX_PER_MS, FLING_MS] as const,
  );
  const scriptS = (await script()) - before;
  const tiles = await page.locator('.gallery-tile').count();
  await context.close();
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
  process.stderr.write(`gallery fling: ${String(frames.length)} frames, p50 ${at(0.5).toFixed(1)} ms, script ${(scriptS * 1000).toFixed(0)} ms\n`);
  return { frames: frames.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0, scriptShare: scriptS / (FLING_MS / 1000), tiles };
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // One login (a fresh vault's setup token works once), for both contexts.
  const session = await cookies();
  await context.addCookies(session);
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

  const media = (await page.request.get(`${server.url}/api/gallery/months`).then((r) => r.json())) as { total: number };
  if (media.total > 0) await timeLoads(page, `photos grid, first thumbnails (${media.total.toLocaleString('en')} items)`, '/photos', '.gallery-tile img');
  const fling = media.total > 0 ? await galleryFling(session) : null;

  process.stdout.write(`Vault: ${(summary.sms + summary.mms).toLocaleString('en')} messages, ${summary.conversations.toLocaleString('en')} conversations.\n\n`);
  process.stdout.write('| page | first load (cold) ms | median of 5 warm ms | slowest warm ms |\n| --- | ---: | ---: | ---: |\n');
  for (const r of rows) process.stdout.write(`| ${r.what} | ${r.cold.toFixed(0)} | ${r.median.toFixed(0)} | ${r.max.toFixed(0)} |\n`);
  if (fling !== null) {
    process.stdout.write(`\n| Photos grid, 390x844, fling at ${String(FLING_PX_PER_MS * 1000)} px/s for ${String(FLING_MS / 1000)} s over ${media.total.toLocaleString('en')} items | frames | p50 ms | p95 ms | max ms | script share | tiles in the DOM |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n`);
    process.stdout.write(`| | ${String(fling.frames)} | ${fling.p50.toFixed(1)} | ${fling.p95.toFixed(1)} | ${fling.max.toFixed(1)} | ${(fling.scriptShare * 100).toFixed(0)}% | ${String(fling.tiles)} |\n`);
  }
} finally {
  await browser.close();
  await server.stop();
}
