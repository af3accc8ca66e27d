/**
 * The API benchmarks' side of a server: starts bench/api-server.ts on a vault in a process of its
 * own (the client's work is not the server's), logs in (or creates the account), and measures
 * requests from any number of concurrent clients with the server's CPU per request from /proc.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

export interface Timing {
  requests: number;
  p50: number;
  p95: number;
  max: number;
  /** The server process's CPU time per request: what a request costs without waiting for a core. */
  cpu: number;
  /** Requests answered per second. */
  perSecond: number;
}

export interface BenchServer {
  /** From spawning the process to its first answer (includes loading Node and tsx, ~1 s). */
  startMs: number;
  /** The server's CPU in ms so far (user + system, 10 ms ticks). */
  cpuMs: () => number;
  /** A JSON GET or POST with the session cookie; throws on a status of 300 or more. */
  call: (url: string, init?: RequestInit) => Promise<unknown>;
  /** `n` requests in all from `clients` clients, each sending its next when its last was answered. */
  time: (next: () => string, n: number, clients: number, seen?: (body: unknown) => void) => Promise<Timing>;
  stop: () => Promise<void>;
}

export async function startBenchServer(dir: string): Promise<BenchServer> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'api-server.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = child.pid ?? 0;
  // A bench that fails must not leave its server running (it holds the bench's stderr open).
  process.once('exit', () => child.kill('SIGTERM'));
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`the server ended (${String(code)}) before answering`));
    });
  });
  const { url: base, setupToken } = JSON.parse(first) as { url: string; setupToken: string | null };
  await fetch(base + '/api/health');
  const startMs = performance.now() - started;
  let cookie = '';

  const cpuMs = (): number => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  const call = async (url: string, init: RequestInit = {}): Promise<unknown> => {
    const res = await fetch(base + url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
    const set = res.headers.getSetCookie();
    if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const time = async (next: () => string, n: number, clients: number, seen?: (body: unknown) => void): Promise<Timing> => {
    const times: number[] = [];
    const cpu0 = cpuMs();
    const t0 = performance.now();
    let left = n;
    const client = async (): Promise<void> => {
      while (left-- > 0) {
        const url = next();
        const t = performance.now();
        const body = await call(url);
        times.push(performance.now() - t);
        seen?.(body);
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    const wall = performance.now() - t0;
    times.sort((a, b) => a - b);
    const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
    return { requests: n, p50: at(0.5), p95: at(0.95), max: at(1), cpu: (cpuMs() - cpu0) / n, perSecond: (n / wall) * 1000 };
  };

  const user = { username: 'bench', password: 'bench password' };
  const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
  if (setupToken !== null) await call('/api/setup', { ...json, body: JSON.stringify({ token: setupToken, ...user }) });
  else await call('/api/login', { ...json, body: JSON.stringify(user) });

  return {
    startMs,
    cpuMs,
    call,
    time,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
