/**
 * The built server as a real process, started like `npm start` (256 MB heap), on port 0, and
 * what a test asks of it: its peak memory and whether it still runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { CLI, NODE_FLAGS } from './cli.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The process's peak resident memory so far (Linux: VmHWM), in bytes; undefined elsewhere. */
  peakRss(): number | undefined;
  stop(): Promise<void>;
}

export function startServerProcess(vault: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault, 'serve', '--port', '0', '--log-level', 'fatal'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await closed;
  };
  const peakRss = (): number | undefined => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'));
      return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
    } catch {
      return undefined;
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve({ child, url: m[1], peakRss, stop });
    });
    child.on('exit', (code) => {
      reject(new Error(`the server exited (${String(code)}) before listening: ${out}`));
    });
  });
}
