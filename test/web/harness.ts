/**
 * Runs the real `textvault serve` (the built CLI, as a child process) on a temp vault and a free
 * port, and Debian's Chromium through playwright-core, for the browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { CLI, NODE_FLAGS } from '../helpers/cli.js';
import { CHROMIUM, programPath } from '../helpers/system.js';
import { freePort } from '../helpers/ports.js';

export interface RunningServer {
  url: string;
  /** The one-time setup token the server printed, when no user existed yet. */
  setupToken: string | null;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `textvault serve --vault DIR --port P` and waits until /api/health answers. */
export async function startServer(vaultDir: string, extraArgs: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, CLI, 'serve', '--vault', vaultDir, '--host', '127.0.0.1', '--port', String(port), ...extraArgs], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`textvault serve exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`textvault serve did not answer /api/health within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The setup URL is printed before the server listens; give the pipe a moment to deliver it.
  await new Promise((r) => setTimeout(r, 100));
  const token = /\/setup#token=([A-Za-z0-9_\-.~%]+)/.exec(out)?.[1] ?? null;
  return {
    url,
    setupToken: token === null ? null : decodeURIComponent(token),
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    // On PATH or $TEXTVAULT_CHROMIUM (test files skip first when it is missing).
    executablePath: programPath(CHROMIUM),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
  });
}
