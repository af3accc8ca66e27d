/**
 * API latency on a big vault: the real server in a process of its own on a real socket, requests
 * over keep-alive connections from 1 or more concurrent clients (BENCH_API_CLIENTS=1,16),
 * p50/p95/max per endpoint and the server's CPU per request.
 * Usage: tsx bench/api.ts VAULT_DIR (an imported vault; bench/run.ts makes it). Prints one JSON line.
 */
import { startBenchServer } from './api-client.js';

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
  /** The server process's CPU time per request: what a request costs without waiting for a core. */
  cpu: number;
  /** Requests answered per second (with that many clients). */
  perSecond?: number;
}

const server = await startBenchServer(dir);
const { call } = server;
const startMs = server.startMs;
const startCpu = server.cpuMs();

const results: ApiMeasure[] = [];

/** Concurrent clients each endpoint is measured with (BENCH_API_CLIENTS, e.g. "1,16"). */
const CLIENTS = (process.env.BENCH_API_CLIENTS ?? '1').split(',').map(Number);

/**
 * Times `n` requests from each number of concurrent clients in CLIENTS (each client sends its
 * next request when the last is answered); `seen` gets each answer (to follow cursors).
 */
async function measure(endpoint: string, urls: () => string, n: number, seen?: (body: unknown) => void): Promise<void> {
  for (const clients of CLIENTS) {
    const t = await server.time(urls, n, clients, seen);
    const label = CLIENTS.length > 1 ? `${endpoint} [${clients} client${clients === 1 ? '' : 's'}]` : endpoint;
    results.push({ endpoint: label, ...t });
    process.stderr.write(`${label}: p95 ${t.p95.toFixed(1)} ms\n`);
  }
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
results.push({ endpoint: 'server start to first answer (process start, cached summaries)', requests: 1, p50: startMs, p95: startMs, max: startMs, cpu: startCpu });
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
const around = (deep.items[100] ?? deep.items.at(-1))?.id ?? 0;
await measure('GET messages?around= (search hit, 200)', () => `/api/conversations/${tid}/messages?limit=200&around=${around}`, 50);

const queries = ['ok', 'dinner', 'desole', 'Опаздываю', '晚饭', 'invitation', 'running late', 'zzzyxw'];
let q = 0;
await measure(`GET /api/search (50; ${queries.join(', ')})`, () => `/api/search?limit=50&q=${encodeURIComponent(queries[q++ % queries.length] ?? 'ok')}`, 160);
await measure('GET /api/search with direction and date filters', () => `/api/search?limit=50&direction=in&from=${info.firstDate}&to=${info.lastDate}&q=${encodeURIComponent(queries[q++ % queries.length] ?? 'ok')}`, 80);
await measure('GET /api/calls (50)', () => '/api/calls?limit=50', 50);
await measure('GET /api/stats/monthly', () => '/api/stats/monthly', 20);
await measure('GET /api/stats/activity', () => '/api/stats/activity', 20);
await measure('GET /api/stats/summary', () => '/api/stats/summary', 20);

await server.stop();
process.stdout.write(JSON.stringify(results) + '\n');
