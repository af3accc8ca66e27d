/**
 * deploy/textvault.service: systemd accepts it without a single warning, it keeps the sandbox the
 * README promises, and its ExecStart really starts textvault on the vault it names.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NODE_FLAGS } from '../helpers/cli.js';
import { lacks, programPath, SYSTEMD_ANALYZE } from '../helpers/system.js';
import { tempDir } from '../helpers/temp.js';

const UNIT = path.resolve(import.meta.dirname, '../../deploy/textvault.service');
const INSTALLED_BIN = '/usr/local/bin/textvault';

// systemd-analyze, from Debian's systemd package (present even where systemd does not run): its
// test is skipped, with a note at the end of the run, where it is missing; CI=true requires it.
const noAnalyze = lacks(SYSTEMD_ANALYZE);

/** The unit's settings: key -> every value it is given, in order (systemd keys may repeat). */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

const unitText = fs.readFileSync(UNIT, 'utf8');
const unit = settings(unitText);
const one = (key: string): string | undefined => unit.get(key)?.at(-1);

/** The unit with its ExecStart pointed at `bin` (systemd-analyze checks that the program exists). */
function unitRunning(bin: string): string {
  const dir = tempDir();
  const file = path.join(dir, 'textvault.service');
  fs.writeFileSync(file, unitText.replaceAll(INSTALLED_BIN, bin));
  return file;
}

describe('deploy/textvault.service', () => {
  it('runs textvault serve as its own user, restarts it on failure, and lets it write only the vault', () => {
    expect(one('ExecStart')).toBe(`${INSTALLED_BIN} serve --host 127.0.0.1 --port 8787`);
    expect(one('User')).toBe('textvault');
    expect(one('Group')).toBe('textvault');
    expect(one('Restart')).toBe('on-failure');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    // The vault is the state directory (systemd makes it writable and owned by the user) and
    // nothing else is opened for writing.
    expect(one('StateDirectory')).toBe('textvault');
    expect(unit.get('Environment')).toContain('TEXTVAULT_DIR=/var/lib/textvault');
    expect(unit.has('ReadWritePaths')).toBe(false);
    expect(unit.has('BindPaths')).toBe(false);
    expect(one('WantedBy')).toBe('multi-user.target');
  });

  it.skipIf(noAnalyze)('passes systemd-analyze verify without a warning', () => {
    const ANALYZE = programPath(SYSTEMD_ANALYZE);
    // Any executable does: verify checks that ExecStart's program exists, it does not run it.
    const file = unitRunning(process.execPath);
    const r = spawnSync(ANALYZE, ['verify', file], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    // verify exits 0 even for unknown keys and unparsable values: it only warns, so no output is the test.
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);

    // And it finds real mistakes, so the silence above means something.
    const broken = path.join(path.dirname(file), 'broken.service');
    fs.writeFileSync(broken, fs.readFileSync(file, 'utf8').replace('ProtectSystem=strict', 'ProtectSystem=strcit').replace('Restart=on-failure', 'Restrat=on-failure'));
    const b = spawnSync(ANALYZE, ['verify', broken], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    expect(b.stderr).toMatch(/protect system value/i);
    expect(b.stderr).toMatch(/Unknown key 'Restrat'/);
  });

  it('its ExecStart starts the web app on the vault the unit names', async () => {
    // The unit's command line and environment, with the vault in a temp folder and any free port.
    const vault = path.join(tempDir(), 'var-lib-textvault');
    const [, ...args] = (one('ExecStart') ?? '').split(' ');
    const portAt = args.indexOf('--port');
    args[portAt + 1] = '0';
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const kv of unit.get('Environment') ?? []) {
      const [k, v] = kv.split('=');
      if (k !== undefined && v !== undefined) env[k] = v.replace('/var/lib/textvault', vault);
    }
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          // The server's own log lines (the unit keeps level info, for the journal) come first.
          const announce = out.split('\n').find((l) => l.startsWith('{"vault":'));
          if (announce !== undefined) resolve(announce);
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => { reject(new Error(`textvault serve exited with ${code}: ${err}`)); });
      });
      const started = JSON.parse(line) as { vault: string; url: string };
      expect(started.vault).toBe(vault);
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(fs.existsSync(path.join(vault, 'textvault.db'))).toBe(true);
      const home = await fetch(new URL('/', started.url));
      expect(home.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
