import type { RunningServer } from './harness.js';

export const TEST_USER = 'owner';
export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates the owner through the setup API (or logs in) and returns the session cookies for a browser context. */
export async function loginCookies(server: RunningServer): Promise<{ name: string; value: string; url: string }[]> {
  const body = { username: TEST_USER, password: TEST_PASSWORD };
  const res =
    server.setupToken === null
      ? await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      : await fetch(`${server.url}/api/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...body, token: server.setupToken }) });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: server.url };
  });
}
