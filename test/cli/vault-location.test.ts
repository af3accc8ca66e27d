import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformVaultDir, resolveVaultDir } from '../../src/cli/vault-location.js';
import { CLI, NODE_FLAGS } from '../helpers/cli.js';
import { writeBackup } from '../helpers/sbr-xml.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The environment without anything that picks a vault, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('TEXTVAULT_DIR' in extra)) delete env.TEXTVAULT_DIR;
  if (!('XDG_DATA_HOME' in extra)) delete env.XDG_DATA_HOME;
  return env;
}

function run(args: string[], cwd: string, env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, CLI, ...args], { cwd, encoding: 'utf8', env: cleanEnv(env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const isVault = (dir: string): boolean => fs.existsSync(path.join(dir, 'textvault.db'));

function oneMessageBackup(): string {
  return writeBackup([{ address: '+15551230000', date: Date.UTC(2025, 0, 1), body: 'where does the vault live?' }]);
}

describe('the default vault folder', () => {
  it('is the XDG data folder, not the working directory, for a textvault run from anywhere', () => {
    const home = tempDir();
    const cwd = tempDir();
    const xdg = path.join(tempDir(), 'data');
    const backup = oneMessageBackup();

    const withXdg = run(['import', backup], cwd, { HOME: home, XDG_DATA_HOME: xdg });
    expect(withXdg.stderr).toBe('');
    expect(withXdg.code).toBe(0);
    expect(isVault(path.join(xdg, 'textvault'))).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]);

    // No XDG_DATA_HOME (or a relative one, which the XDG spec says to ignore): ~/.local/share.
    const noXdg = run(['import', backup], cwd, { HOME: home, XDG_DATA_HOME: 'relative/data' });
    expect(noXdg.code).toBe(0);
    expect(isVault(path.join(home, '.local', 'share', 'textvault'))).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('gives way to TEXTVAULT_DIR, and --vault to both', () => {
    const home = tempDir();
    const cwd = tempDir();
    const envVault = path.join(tempDir(), 'env-vault');
    const flagVault = path.join(tempDir(), 'flag-vault');
    const backup = oneMessageBackup();

    expect(run(['--default-vault', 'vault', 'import', backup], cwd, { HOME: home, TEXTVAULT_DIR: envVault }).code).toBe(0);
    expect(isVault(envVault)).toBe(true);
    expect(run(['--vault', flagVault, 'import', backup], cwd, { HOME: home, TEXTVAULT_DIR: envVault }).code).toBe(0);
    expect(isVault(flagVault)).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.existsSync(path.join(home, '.local'))).toBe(false);
  });

  it('is ./vault for npm start in a checkout', () => {
    // A checkout stand-in: this package.json (its real start script) with the built dist/ and
    // node_modules linked in, so `npm start` runs exactly as in a clone, in a folder of its own.
    const checkout = tempDir();
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(checkout, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'dist'), path.join(checkout, 'dist'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
    const home = tempDir();
    const r = spawnSync('npm', ['start', '--silent', '--', 'import', oneMessageBackup()], {
      cwd: checkout,
      encoding: 'utf8',
      env: cleanEnv({ HOME: home, npm_config_update_notifier: 'false' }),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(isVault(path.join(checkout, 'vault'))).toBe(true);
    expect(fs.existsSync(path.join(home, '.local', 'share', 'textvault'))).toBe(false);
  });

  it.runIf(process.platform !== 'win32' && process.platform !== 'darwin')('is said in --help (XDG platforms)', () => {
    const help = run(['--help'], tempDir(), { HOME: '/home/someone', XDG_DATA_HOME: '/srv/data' });
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--vault <dir> the vault folder (default: $TEXTVAULT_DIR, else $XDG_DATA_HOME/textvault or ~/.local/share/textvault (here: /srv/data/textvault))');
  });

  it('follows each platform convention for application data', () => {
    expect(platformVaultDir({}, 'linux', '/home/ann')).toBe('/home/ann/.local/share/textvault');
    expect(platformVaultDir({ XDG_DATA_HOME: '/data/ann' }, 'freebsd', '/home/ann')).toBe('/data/ann/textvault');
    expect(platformVaultDir({ XDG_DATA_HOME: '/data/ann' }, 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Application Support/textvault');
    expect(platformVaultDir({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Local\\textvault');
    expect(platformVaultDir({}, 'win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Local\\textvault');
    // An empty TEXTVAULT_DIR is unset, not "the working directory".
    expect(resolveVaultDir({}, { TEXTVAULT_DIR: '', XDG_DATA_HOME: '/x' })).toBe(path.resolve('/x/textvault'));
  });
});
