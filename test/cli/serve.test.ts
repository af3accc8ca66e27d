import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NODE_FLAGS, cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

function withStdin(args: string[], input: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, CLI, ...args], { encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('textvault serve and user', () => {
  it('refuses a non-loopback address unless --allow-remote', () => {
    const vault = path.join(tempDir(), 'vault');
    const r = cli(['--vault', vault, 'serve', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to listen on 0.0.0.0');
    expect(r.stderr).toContain('--allow-remote');
  });

  it('adds a user with the password from stdin, serves by default, and that user can log in', async () => {
    const vault = path.join(tempDir(), 'vault');
    const added = withStdin(['--vault', vault, 'user', 'add', 'alice'], 'a long enough secret\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(withStdin(['--vault', vault, 'user', 'add', 'alice'], 'another secret!!\n').stderr).toContain('already exists');
    expect(withStdin(['--vault', vault, 'user', 'passwd', 'bob'], 'another secret!!\n').code).toBe(1);
    expect(withStdin(['--vault', vault, 'user', 'add', 'carol'], 'short\n').stderr).toContain('at least 8');
    expect(withStdin(['--vault', vault, 'user', 'add', 'carol'], 'password123\n').stderr).toContain('the password is too easy to guess (it is a very common password)');
    expect(JSON.parse(withStdin(['--vault', vault, 'user', 'add', 'dave', '--json'], 'dave has a long secret\n').stdout)).toEqual({ user: 'dave', outcome: 'added', role: 'user' });

    // No command at all: serve.
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /serving .* at (http:\/\/\S+)/.exec(out);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        child.on('exit', (code) => {
          reject(new Error(`serve exited with ${String(code)}: ${out}`));
        });
      });
      const setup = (await (await fetch(`${url}/api/setup`)).json()) as { needed: boolean };
      expect(setup.needed).toBe(false);
      const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'a long enough secret' }) });
      expect(login.status).toBe(200);
      const passwd = withStdin(['--vault', vault, 'user', 'passwd', 'alice', '--json'], 'a new long secret\n');
      expect(passwd.code).toBe(0);
      expect(JSON.parse(passwd.stdout)).toEqual({ user: 'alice', outcome: 'password-changed' });
      const old = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'a long enough secret' }) });
      expect(old.status).toBe(401);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

/** Starts the CLI with `args`, resolves with its first line of output (JSON), and stops it with SIGTERM after `use`. */
async function firstJsonLine(args: string[], use: (line: Record<string, unknown>) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const end = out.indexOf('\n');
        if (end !== -1) resolve(out.slice(0, end));
      });
      child.on('exit', (code) => {
        reject(new Error(`exited with ${String(code)}: ${out}`));
      });
    });
    await use(JSON.parse(line) as Record<string, unknown>);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}

describe('serve and daemon with --json', () => {
  it('serve prints where it listens and the setup link as one JSON line', async () => {
    const vault = path.join(tempDir(), 'vault');
    await firstJsonLine(['--vault', vault, 'serve', '--port', '0', '--log-level', 'warn', '--json'], async (line) => {
      expect(line).toMatchObject({ vault, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as string, setupUrl: expect.stringMatching(/\/setup#token=/) as string });
      expect((await fetch(`${String(line.url)}/api/health`)).status).toBe(200);
    });
  });

  it('daemon says it started as a JSON line', async () => {
    const vault = path.join(tempDir(), 'vault');
    await firstJsonLine(['--vault', vault, 'daemon', '--json'], (line) => {
      expect(line).toEqual({ daemon: 'started', vault });
      return Promise.resolve();
    });
  });
});

describe('loopback detection', () => {
  it('accepts only loopback addresses as safe defaults', async () => {
    const { isLoopback } = await import('../../src/cli/commands/serve.js');
    expect(['127.0.0.1', '127.8.0.1', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.org', '127.0.0.1.evil.org'].some(isLoopback)).toBe(false);
  });
});
