/**
 * `serve` start-up to first answer on a vault (issue 27 item 3), with the built CLI as a user
 * runs it: spawns `node dist/cli/main.js serve` and polls /api/health every 20 ms. The requests
 * that need the cached aggregates are timed by the API run (bench/api.ts).
 * Usage: npx tsc -p tsconfig.json && npx tsx bench/startup.ts VAULT_DIR [RUNS]   Prints one JSON line.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const [dir, runsArg] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: tsx bench/startup.ts VAULT_DIR [RUNS]\n');
  process.exit(2);
}
const cli = path.join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const port = 18_000 + Math.floor(Math.random() * 1000);
const runs: number[] = [];
for (let i = 0; i < Number(runsArg ?? '3'); i++) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, '--vault', dir, 'serve', '--port', String(port)], { stdio: 'ignore' });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  runs.push(Math.round(performance.now() - t0));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
process.stdout.write(JSON.stringify({ vault: dir, firstAnswerMs: runs }) + '\n');
