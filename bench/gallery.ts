/**
 * Gallery API latency (issue 25): the real server in a process of its own (bench/api-server.ts)
 * over a vault with tens of thousands of media beside a million SMS, requests from this process over
 * HTTP (keep-alive), at 1 and at 16 concurrent clients: p50/p95/max per endpoint and the server's
 * CPU per request.
 *
 *   tsx bench/gallery.ts VAULT_DIR   (bench/run.ts makes the vault); prints one JSON line
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

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

/** The server process's user + system CPU so far, in ms (Linux /proc). */
function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function measureAll(dir: string): Promise<GalleryMeasure[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'api-server.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = child.pid ?? 0;
  const first = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`the server exited (${String(code)})`));
    });
  });
  const { url: base, setupToken } = JSON.parse(first) as { url: string; setupToken: string | null };
  let cookie = '';

  async function call(url: string, init: RequestInit = {}): Promise<unknown> {
    const res = await fetch(base + url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
    const set = res.headers.getSetCookie();
    if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  try {
    const user = { username: 'bench', password: 'bench password' };
    const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
    if (setupToken !== null) await call('/api/setup', { ...json, body: JSON.stringify({ token: setupToken, ...user }) });
    else await call('/api/login', { ...json, body: JSON.stringify(user) });

    const results: GalleryMeasure[] = [];
    /** `n` requests in all from `concurrency` clients, each sending its next when its last was answered. */
    const measure = async (endpoint: string, next: () => string, n: number, concurrency: number, seen?: (body: unknown) => void): Promise<void> => {
      await call(next()); // warm: the first request of a kind builds caches the others share
      const times: number[] = [];
      const cpu0 = cpuOf(pid);
      let left = n;
      const client = async (): Promise<void> => {
        while (left-- > 0) {
          const u = next();
          const t = performance.now();
          const body = await call(u);
          times.push(performance.now() - t);
          seen?.(body);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, client));
      const cpu = (cpuOf(pid) - cpu0) / n;
      times.sort((a, b) => a - b);
      const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
      results.push({ endpoint, concurrency, requests: n, p50: at(0.5), p95: at(0.95), max: at(1), cpu });
      process.stderr.write(`${endpoint} x${concurrency}: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms\n`);
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
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
