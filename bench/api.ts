/**
 * API latency on a big vault: the real server on a real socket, requests one at a time over a
 * keep-alive connection, p50/p95/max per endpoint.
 * Usage: tsx bench/api.ts VAULT_DIR (an imported vault; bench/run.ts makes it). Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { serve } from '../src/server/serve.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: tsx bench/api.ts VAULT_DIR\n');
  process.exit(2);
}

export interface ApiMeasure {
  endpoint: string;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  /** CPU time per request (server and client share this process): what a request costs without waiting for a core. */
  cpu: number;
}

const started = performance.now();
const startCpu0 = process.cpuUsage();
const server = await serve({ dir, host: '127.0.0.1', port: 0, announce: () => undefined, loginRateLimit: { max: 1000, windowMs: 60_000 } });
const startMs = performance.now() - started;
const startUsage = process.cpuUsage(startCpu0);
const startCpu = (startUsage.user + startUsage.system) / 1000;
const base = server.url;
let cookie = '';

async function call(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(base + url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
  const set = res.headers.getSetCookie();
  if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const user = { username: 'bench', password: 'bench password' };
if (server.setupToken !== null) await call('/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: server.setupToken, ...user }) });
else await call('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });

const results: ApiMeasure[] = [];

/** Times `n` requests; `seen` gets each answer (to follow cursors). */
async function measure(endpoint: string, urls: () => string, n: number, seen?: (body: unknown) => void): Promise<void> {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const url = urls();
    const t = performance.now();
    const body = await call(url);
    times.push(performance.now() - t);
    seen?.(body);
  }
  const used = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  results.push({ endpoint, requests: n, p50: at(0.5), p95: at(0.95), max: at(1), cpu: (used.user + used.system) / 1000 / n });
  process.stderr.write(`${endpoint}: p95 ${at(0.95).toFixed(1)} ms\n`);
}

interface Conv {
  id: number;
  messageCount: number;
}
interface Thread {
  items: { id: number }[];
  prevCursor: string | null;
}

// serve() builds the cached aggregates before listening; this is how long start-up took.
results.push({ endpoint: 'server start, incl. cached summaries (again after each import job)', requests: 1, p50: startMs, p95: startMs, max: startMs, cpu: startCpu });
const first = (await call('/api/conversations?limit=50')) as { items: Conv[]; nextCursor: string | null };

await measure('GET /api/conversations (first page, 50)', () => '/api/conversations?limit=50', 200);
let cursor = first.nextCursor;
await measure(
  'GET /api/conversations (next pages, 50)',
  () => `/api/conversations?limit=50${cursor === null ? '' : `&cursor=${cursor}`}`,
  50,
  (p) => {
    cursor = (p as { nextCursor: string | null }).nextCursor;
  },
);
await measure('GET /api/conversations?q= (filter)', () => '/api/conversations?q=55', 100);

let longest: Conv | undefined;
for (let page: { items: Conv[]; nextCursor: string | null } | undefined = first; ; ) {
  for (const c of page.items) if (longest === undefined || c.messageCount > longest.messageCount) longest = c;
  if (page.nextCursor === null) break;
  page = (await call(`/api/conversations?limit=500&cursor=${page.nextCursor}`)) as { items: Conv[]; nextCursor: string | null };
}
if (longest === undefined) throw new Error('the vault has no conversations');
const tid = longest.id;
const info = (await call(`/api/conversations/${tid}`)) as { firstDate: number; lastDate: number; messageCount: number };
await measure(`GET messages, newest 200 (thread of ${info.messageCount.toLocaleString('en-US')})`, () => `/api/conversations/${tid}/messages?limit=200`, 100);
let i = 0;
await measure('GET messages?date= (jump to a date, 200)', () => `/api/conversations/${tid}/messages?limit=200&date=${info.firstDate + Math.floor(((i++ % 97) / 97) * (info.lastDate - info.firstDate))}`, 100);
// Deep: scroll back from 10% into the thread's history.
const deep = (await call(`/api/conversations/${tid}/messages?limit=200&date=${info.firstDate + Math.floor(0.1 * (info.lastDate - info.firstDate))}`)) as Thread;
let before = deep.prevCursor;
await measure(
  'GET messages?before= (deep scroll-back, 200)',
  () => `/api/conversations/${tid}/messages?limit=200${before === null ? '' : `&before=${before}`}`,
  50,
  (page) => {
    before = (page as Thread).prevCursor;
  },
);
const around = deep.items[100]?.id ?? 0;
await measure('GET messages?around= (search hit, 200)', () => `/api/conversations/${tid}/messages?limit=200&around=${around}`, 50);

const queries = ['ok', 'dinner', 'desole', 'Опаздываю', '晚饭', 'invitation', 'running late', 'zzzyxw'];
let q = 0;
await measure(`GET /api/search (50; ${queries.join(', ')})`, () => `/api/search?limit=50&q=${encodeURIComponent(queries[q++ % queries.length] ?? 'ok')}`, 160);
await measure('GET /api/search with direction and date filters', () => `/api/search?limit=50&direction=in&from=${info.firstDate}&to=${info.lastDate}&q=${encodeURIComponent(queries[q++ % queries.length] ?? 'ok')}`, 80);
await measure('GET /api/calls (50)', () => '/api/calls?limit=50', 50);
await measure('GET /api/stats/monthly', () => '/api/stats/monthly', 20);
await measure('GET /api/stats/activity', () => '/api/stats/activity', 20);
await measure('GET /api/stats/summary', () => '/api/stats/summary', 20);

await server.close();
process.stdout.write(JSON.stringify(results) + '\n');
