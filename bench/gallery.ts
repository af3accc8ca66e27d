/**
 * Gallery API latency (issue 25): the real server in a process of its own (bench/api-server.ts)
 * over a vault with tens of thousands of media beside a million SMS, requests from this process over
 * HTTP (keep-alive), at 1 and at 16 concurrent clients: p50/p95/max per endpoint and the server's
 * CPU per request.
 *
 *   tsx bench/gallery.ts VAULT_DIR   (bench/run.ts makes the vault); prints one JSON line
 */
import { startBenchServer } from './api-client.js';

export interface GalleryMeasure {
  endpoint: string;
  concurrency: number;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  /** Server CPU time per request (its own process). */
  cpu: number;
}

const [vaultDir] = process.argv.slice(2);
if (vaultDir === undefined) {
  process.stderr.write('usage: tsx bench/gallery.ts VAULT_DIR\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await measureAll(vaultDir))}\n`);

async function measureAll(dir: string): Promise<GalleryMeasure[]> {
  const server = await startBenchServer(dir);
  const { call } = server;
  try {
    const results: GalleryMeasure[] = [];
    /** `n` requests in all from `concurrency` clients, each sending its next when its last was answered. */
    const measure = async (endpoint: string, next: () => string, n: number, concurrency: number, seen?: (body: unknown) => void): Promise<void> => {
      await call(next()); // warm: the first request of a kind builds caches the others share
      const t = await server.time(next, n, concurrency, seen);
      results.push({ endpoint, concurrency, requests: n, p50: t.p50, p95: t.p95, max: t.max, cpu: t.cpu });
      process.stderr.write(`${endpoint} x${concurrency}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms\n`);
    };

    interface Page {
      items: { conversationId: number; date: number; sender: { address: string } | null }[];
      prevCursor: string | null;
    }
    const months = (await call('/api/gallery/months')) as { items: { start: number }[]; total: number };
    const newest = (await call('/api/gallery?limit=100')) as Page;
    const oldest = months.items.at(-1)?.start ?? 0;
    const latest = newest.items.at(-1)?.date ?? 0;
    // The conversation with the most media of a sample of pages, and a person of it.
    const byConversation = new Map<number, number>();
    let address = '';
    for (let k = 0; k < 20; k++) {
      const page = (await call(`/api/gallery?limit=100&date=${oldest + Math.floor((k / 20) * (latest - oldest))}`)) as Page;
      for (const i of page.items) {
        byConversation.set(i.conversationId, (byConversation.get(i.conversationId) ?? 0) + 1);
        if (address === '' && i.sender !== null) address = i.sender.address;
      }
    }
    const conversation = [...byConversation].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    const conversationCount = ((await call(`/api/gallery/months?conversation=${conversation}`)) as { total: number }).total;
    const videos = ((await call('/api/gallery/months?kind=video')) as { total: number }).total;

    for (const concurrency of [1, 16]) {
      const n = concurrency === 1 ? 200 : 800;
      let j = 0;
      const anyDate = (): number => oldest + Math.floor(((j++ * 7919) % 1000) / 1000 * (latest - oldest));
      await measure('GET /api/gallery (newest 100)', () => '/api/gallery?limit=100', n, concurrency);
      await measure('GET /api/gallery?date= (month jump, 100)', () => `/api/gallery?limit=100&date=${anyDate()}`, n, concurrency);
      let before = newest.prevCursor;
      await measure(
        'GET /api/gallery?before= (scroll back, 100)',
        () => `/api/gallery?limit=100${before === null ? '' : `&before=${encodeURIComponent(before)}`}`,
        n,
        concurrency,
        (p) => {
          before = (p as Page).prevCursor;
        },
      );
      await measure(`GET /api/gallery?kind=video&date= (${videos.toLocaleString('en-US')} videos)`, () => `/api/gallery?limit=100&kind=video&date=${anyDate()}`, n, concurrency);
      await measure(`GET /api/gallery?conversation=&date= (${conversationCount.toLocaleString('en-US')} items)`, () => `/api/gallery?limit=100&conversation=${conversation}&date=${anyDate()}`, n, concurrency);
      await measure('GET /api/gallery?contact=&date= (a person, all their conversations)', () => `/api/gallery?limit=100&contact=${encodeURIComponent(address)}&date=${anyDate()}`, n, concurrency);
      await measure(`GET /api/gallery/months (${months.total.toLocaleString('en-US')} items)`, () => '/api/gallery/months', n / 2, concurrency);
      await measure('GET /api/gallery/months?kind=image', () => '/api/gallery/months?kind=image', n / 2, concurrency);
      await measure('GET /api/gallery/months?conversation=', () => `/api/gallery/months?conversation=${conversation}`, n / 2, concurrency);
    }
    return results;
  } finally {
    await server.stop();
  }
}
