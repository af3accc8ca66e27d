import { spawn } from 'node:child_process';
import readline from 'node:readline';
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/cpuprof-srv', '--import', 'tsx', 'bench/api-server.ts', '/tmp/gallery-vault-x1'], { stdio: ['ignore', 'pipe', 'inherit'] });
const first = await new Promise<string>((r) => readline.createInterface({ input: child.stdout }).once('line', r));
const { url, setupToken } = JSON.parse(first);
let cookie = '';
const call = async (u: string, init: RequestInit = {}) => {
  const res = await fetch(url + u, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
  const set = res.headers.getSetCookie(); if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
  return res.text();
};
const user = { username: 'bench', password: 'bench password' };
if (setupToken !== null) await call('/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: setupToken, ...user }) });
else await call('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
const body = await call('/api/gallery?limit=100');
console.log('bytes', body.length);
for (let i = 0; i < 600; i++) await call(`/api/gallery?limit=100&date=${1420070400000 + i * 500000000}`);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
