/**
 * A real server on a real socket over a real vault, and a small cookie-keeping client.
 */
import path from 'node:path';
import { afterEach } from 'vitest';
import { serve, type RunningServer, type ServeOptions } from '../../src/server/serve.js';
import { Vault } from '../../src/vault/vault.js';
import { tempDir } from '../helpers/temp.js';
import { importAll } from '../helpers/vault.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

export interface TestServer extends RunningServer {
  dir: string;
  announced: string[];
}

export async function startServer(
  options: { files?: string[]; prepare?: (vault: Vault) => Promise<void>; media?: string } & Partial<Pick<ServeOptions, 'sessionTtlMs' | 'loginRateLimit' | 'webRoot' | 'limits' | 'publicHosts' | 'trustProxy'>> = {},
): Promise<TestServer> {
  const dir = path.join(tempDir(), 'vault');
  const vault = await Vault.open(dir, { create: true, ...(options.media === undefined ? {} : { media: options.media }) });
  try {
    await importAll(vault, options.files ?? []);
    await options.prepare?.(vault);
  } finally {
    await vault.close();
  }
  const announced: string[] = [];
  const r = await serve({
    dir,
    host: '127.0.0.1',
    port: 0,
    announce: (line) => announced.push(line),
    loginRateLimit: options.loginRateLimit ?? { max: 1000, windowMs: 60_000 },
    ...(options.sessionTtlMs === undefined ? {} : { sessionTtlMs: options.sessionTtlMs }),
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.publicHosts === undefined ? {} : { publicHosts: options.publicHosts }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });
  running.push(r);
  return { ...r, dir, announced };
}

/** What fetch accepts as a request body (the DOM's BodyInit, which Node's types do not name). */
export type Body = NonNullable<RequestInit['body']>;

export const OWNER = { username: 'owner', password: 'correct horse battery' };

/** Keeps cookies like a browser and sends the CSRF header on state-changing requests. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(readonly base: string) {}

  async request(method: string, url: string, options: { json?: unknown; body?: Body; headers?: Record<string, string>; csrf?: boolean; redirect?: 'follow' | 'manual' } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.csrf !== false && this.csrf !== undefined && method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = this.csrf;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(this.base + url, { method, headers, redirect: options.redirect ?? 'follow', ...(body === undefined ? {} : { body, duplex: 'half' }) });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(url: string): Promise<Response> {
    return this.request('GET', url);
  }

  async json<T>(url: string): Promise<T> {
    const res = await this.get(url);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async login(user = OWNER): Promise<Response> {
    const res = await this.request('POST', '/api/login', { json: user });
    if (res.status === 200) this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }
}

/** Creates the owner account through the setup endpoint; returns a logged-in client. */
export async function ownerClient(server: TestServer): Promise<Client> {
  const client = new Client(server.url);
  const res = await client.request('POST', '/api/setup', { json: { token: server.setupToken, ...OWNER } });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  client.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return client;
}

export async function waitForJob(client: Client, id: number): Promise<{ status: string; error: string | null; result: Record<string, unknown> | null; file: string | null }> {
  for (let i = 0; i < 400; i++) {
    const job = await client.json<{ status: string; error: string | null; result: Record<string, unknown> | null; file: string | null }>(`/api/jobs/${id}`);
    if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}
