/**
 * The npm package as a user gets it: `npm pack` in a checkout (its prepack/prepare make a fresh
 * build), `npm install -g` of the tarball into an empty prefix, then `textvault` run from an
 * unrelated folder: --version, import, and serve answering the web app.
 *
 * The install takes its dependencies from the npm cache that `npm ci` filled (--prefer-offline;
 * the registry only for what is missing or newer within package.json's ranges).
 * better-sqlite3's install script would compile SQLite (minutes); it is handed this checkout's
 * own build of it as a local prebuild instead, which its installer (prebuild-install) looks for
 * before it downloads or compiles.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeBackup } from '../helpers/sbr-xml.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_BIN = path.dirname(process.execPath);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a user's shell would have: this Node first on PATH, no npm script context. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/.test(k) || k === 'TEXTVAULT_DIR' || k === 'XDG_DATA_HOME' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, PATH: `${NODE_BIN}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false', ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

/** A copy of this checkout as a clone has it (no node_modules, dist or vault; node_modules linked). */
function copyCheckout(to: string): void {
  const skip = new Set(['node_modules', 'dist', '.git', 'vault', '.tmp']);
  fs.cpSync(ROOT, to, {
    recursive: true,
    filter: (from) => {
      const rel = path.relative(ROOT, from);
      const top = rel.split(path.sep)[0] ?? '';
      return !skip.has(top) && !rel.startsWith(path.join('bench', 'data')) && !rel.startsWith(path.join('bench', 'out')) && !/\.tgz$/.test(rel);
    },
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
}

/**
 * better-sqlite3 as this checkout built it, packed the way prebuild-install expects a prebuild,
 * in `dir`/prebuilds; `dir`/.prebuild-installrc points there (prebuild-install reads it from the
 * folders above the package it installs, so it must enclose the install prefix).
 */
async function localPrebuild(dir: string): Promise<void> {
  const prebuilds = path.join(dir, 'prebuilds');
  fs.mkdirSync(prebuilds);
  fs.writeFileSync(path.join(dir, '.prebuild-installrc'), `local-prebuilds=${prebuilds}\n`);
  const pkg = z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')));
  const name = `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const made = await run('tar', ['-czf', path.join(prebuilds, name), '-C', path.join(ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node'], ROOT, process.env);
  expect(made.stderr).toBe('');
}

const PackJson = z.array(
  z.object({
    filename: z.string(),
    size: z.number(),
    unpackedSize: z.number(),
    entryCount: z.number(),
    files: z.array(z.object({ path: z.string() })),
  }),
);

describe('the npm package', () => {
  it('packs the built server and web app only; installed, textvault imports and serves from any folder', { timeout: 900_000 }, async () => {
    const work = tempDir('textvault-package-');
    const checkout = path.join(work, 'checkout');
    copyCheckout(checkout);
    const pkgVersion = z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))).version;

    // npm pack: prepack empties dist/, prepare builds it afresh.
    const packStarted = Date.now();
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], checkout, userEnv({}));
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = PackJson.parse(JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))));
    if (info === undefined) throw new Error('npm pack reported no tarball');
    const files = info.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'dist/cli/main.js', 'dist/server/serve.js', 'dist/web/index.html', 'deploy/textvault.service']) expect(files).toContain(f);
    expect(files.filter((f) => /\.(map|ts|tsx)$/.test(f) || /^(src|test|bench|web|docs|node_modules|vault)\//.test(f))).toEqual([]);
    expect(files.filter((f) => !/^(dist|deploy)\//.test(f)).sort()).toEqual(['README.md', 'package.json']);
    const packSeconds = (Date.now() - packStarted) / 1000;

    // npm install -g into an empty prefix.
    const prefix = path.join(work, 'prefix');
    await localPrebuild(work);
    const installStarted = Date.now();
    const installed = await run(
      'npm',
      // As the README says: better-sqlite3's install script is approved by name (npm 12 runs no unapproved one).
      ['install', '--global', '--prefix', prefix, '--allow-scripts=better-sqlite3', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, info.filename)],
      work,
      userEnv({}),
    );
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stderr).not.toMatch(/EBADENGINE|ERR!/);
    // npm 11's advisory on unapproved install scripts may name only the package's own `prepare`
    // (the build, for a checkout): npm never runs it for a tarball. Every dependency's is approved.
    const unapproved = [...installed.stderr.matchAll(/^npm warn install-scripts\s+(\S+)@\S+ \((\w+):/gm)].map((m) => `${m[1] ?? ''} ${m[2] ?? ''}`);
    expect(unapproved.filter((u) => u !== 'textvault prepare')).toEqual([]);
    const installSeconds = (Date.now() - installStarted) / 1000;
    const bin = path.join(prefix, 'bin', 'textvault');
    expect(fs.existsSync(bin)).toBe(true);
    // The versions package.json picks for Node 20 hold outside the checkout too (cookie 2 wants node >=22).
    const cookie = z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync(path.join(prefix, 'lib/node_modules/textvault/node_modules/cookie/package.json'), 'utf8')));
    expect(cookie.version).toMatch(/^1\./);
    expect(fs.existsSync(path.join(prefix, 'lib/node_modules/textvault/node_modules/vitest'))).toBe(false);

    // Run it as a user would, by name through its shebang, from an empty folder with a fresh home.
    const home = path.join(work, 'home');
    const elsewhere = path.join(work, 'elsewhere');
    fs.mkdirSync(home);
    fs.mkdirSync(elsewhere);
    const env = userEnv({ HOME: home, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${NODE_BIN}${path.delimiter}${process.env.PATH ?? ''}` });

    const version = await run('textvault', ['--version'], elsewhere, env);
    expect(version.stdout.trim()).toBe(pkgVersion);

    const backup = writeBackup([{ address: '+15551230000', date: Date.UTC(2025, 0, 1), body: 'installed and archived' }]);
    const imported = await run('textvault', ['import', backup], elsewhere, env);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/1 new/);
    expect(fs.existsSync(path.join(home, '.local/share/textvault/textvault.db'))).toBe(true);
    expect(fs.readdirSync(elsewhere)).toEqual([]);

    const server = spawn('textvault', ['serve', '--port', '0', '--log-level', 'warn', '--json'], { cwd: elsewhere, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const started = await new Promise<{ url: string; vault: string }>((resolve, reject) => {
        let out = '';
        let err = '';
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => l.startsWith('{"vault":'));
          if (line !== undefined) resolve(z.object({ url: z.string(), vault: z.string() }).parse(JSON.parse(line)));
        });
        server.stderr.on('data', (d: Buffer) => (err += d.toString()));
        server.on('exit', (code) => { reject(new Error(`textvault serve exited with ${code}: ${err}`)); });
      });
      expect(started.vault).toBe(path.join(home, '.local/share/textvault'));
      const page = await fetch(new URL('/', started.url));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const js = await fetch(new URL(script ?? '/', started.url));
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
    } finally {
      server.kill('SIGTERM');
    }

    // The figures the README and CI budget quote.
    process.stdout.write(
      `npm package: ${info.filename} ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${info.entryCount} files; ` +
        `npm pack ${packSeconds.toFixed(1)} s, npm install -g ${installSeconds.toFixed(1)} s\n`,
    );
  });
});
