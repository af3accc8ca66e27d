/** The built CLI as real child processes: run to the end, or killed with SIGKILL after a delay. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(import.meta.dirname, '../dist/cli/main.js');
/** The flags the `textvault` binary runs with (its shebang). */
const NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=4'];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [...NODE_FLAGS, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function finished(child: ChildProcess): Promise<Finished> {
  const t = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t });
    });
  });
}

export function runCli(args: string[]): Promise<Finished> {
  return finished(startCli(args));
}

/** Runs the CLI and kills it with SIGKILL after `delayMs`, unless it ended before. */
export async function killCliAfter(args: string[], delayMs: number): Promise<{ killed: boolean; result: Finished }> {
  const child = startCli(args);
  const done = finished(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  const result = await done;
  clearTimeout(timer);
  return { killed: result.signal === 'SIGKILL', result };
}

/** The last lines of a command's output, for a report line. */
export function tail(r: Finished): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-3).join(' | ');
}
