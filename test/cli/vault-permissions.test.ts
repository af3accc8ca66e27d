/**
 * Issue 29 item 7: the vault is private to the user it runs as, and the SMTP password is never
 * stored in clear. Real CLI processes under the usual umask 022 (which made the vault 755 and its
 * files 644), real SQLite files read byte by byte.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cli, NODE_FLAGS, type CliResult } from '../helpers/cli.js';
import { writeBackup } from '../helpers/sbr-xml.js';
import { tempDir } from '../helpers/temp.js';
import { Vault } from '../../src/vault/vault.js';

/** The CLI as a shell would start it with `umask 022`. */
function cliUnderUmask022(args: string[]): CliResult {
  const quoted = [process.execPath, ...NODE_FLAGS, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('/bin/sh', ['-c', `umask 022 && exec ${quoted}`], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8).padStart(4, '0');

/** Every file and folder under `dir`, with its mode. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir) };
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out[path.relative(dir, p)] = mode(p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('vault permissions (umask 022)', () => {
  it('creates the vault folder 0700 and every database, pack, blob and key file in it 0600', () => {
    const vault = path.join(tempDir(), 'vault');
    const backup = writeBackup([
      { address: '+15550001111', date: Date.UTC(2025, 0, 1), body: 'hello' },
      // One small image (goes to a pack) and one above the spool size (a file of its own).
      { addresses: ['+15550001111'], date: Date.UTC(2025, 0, 2), parts: [{ ct: 'image/jpeg', name: 'a.jpg', data: randomBytes(4000) }] },
      { addresses: ['+15550001111'], date: Date.UTC(2025, 0, 3), parts: [{ ct: 'video/mp4', name: 'b.mp4', data: randomBytes(1_300_000) }] },
    ]);
    const imported = cliUnderUmask022(['--vault', vault, 'import', backup]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(cliUnderUmask022(['--vault', vault, 'token', 'create', '--name', 'Pixel']).code).toBe(0);
    expect(cliUnderUmask022(['--vault', vault, 'config', 'set', 'alerts.smtp', 'smtps://me:pw@mail.example.org:465']).code).toBe(0);

    const all = modes(vault);
    // What the vault holds: the archive, control.db, packs and their index, a loose blob, the key.
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['textvault.db', 'control.db', 'secret.key', 'blobs', path.join('blobs', 'packs'), path.join('blobs', 'packs', 'index.db')]));
    expect(Object.keys(all).some((p) => p.startsWith(path.join('blobs', 'packs')) && p.endsWith('.pack'))).toBe(true);
    expect(Object.keys(all).some((p) => /^blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(p))).toBe(true);
    for (const [p, m] of Object.entries(all)) {
      const isDir = fs.statSync(path.join(vault, p)).isDirectory();
      expect({ p, m }).toEqual({ p, m: isDir ? '0700' : '0600' });
    }
  });

  it('warns at start (CLI stderr) when an existing vault is readable by others, and says how to fix it', () => {
    const vault = path.join(tempDir(), 'vault');
    expect(cli(['--vault', vault, 'config', 'set', 'region', 'US']).code).toBe(0);
    expect(cli(['--vault', vault, 'config', 'list']).stderr).toBe('');
    fs.chmodSync(vault, 0o755);
    fs.chmodSync(path.join(vault, 'textvault.db'), 0o644);
    const listed = cli(['--vault', vault, 'config', 'list']);
    expect(listed.code).toBe(0);
    // The folder, the archive, and the -wal/-shm SQLite gives the archive's mode while it is open.
    expect(listed.stderr).toMatch(/warning: 4 files or folders of the vault .* can be read by other users of this machine \(e\.g\. .* is 0755\)/);
    expect(listed.stderr).toContain(`chmod -R go-rwx '${vault}'`);
    spawnSync('chmod', ['-R', 'go-rwx', vault]);
    expect(cli(['--vault', vault, 'config', 'list']).stderr).toBe('');
  });
});

describe('the SMTP password of alert e-mails', () => {
  const PASSWORD = 'Sup3r-S3cret-SMTP-pw';

  function inFiles(vault: string, needle: string): string[] {
    return fs
      .readdirSync(vault)
      .filter((n) => /\.db(-wal|-shm)?$/.test(n))
      .filter((n) => fs.readFileSync(path.join(vault, n)).includes(Buffer.from(needle)));
  }

  it('is sealed, never in the database file in clear, and shown as (set) by config list/get', () => {
    const vault = path.join(tempDir(), 'vault');
    const set = cli(['--vault', vault, 'config', 'set', 'alerts.smtp', `smtps://alerts%40example.org:${PASSWORD}@mail.example.org:465`]);
    expect(set.code).toBe(0);
    expect(set.stdout).not.toContain(PASSWORD);
    expect(set.stdout).toContain('alerts.smtp = smtps://alerts%40example.org:(set)@mail.example.org:465');
    const list = cli(['--vault', vault, 'config', 'list']);
    expect(list.stdout).toContain('alerts.smtp = smtps://alerts%40example.org:(set)@mail.example.org:465');
    expect(list.stdout + cli(['--vault', vault, 'config', 'list', '--json']).stdout + cli(['--vault', vault, 'config', 'get', 'alerts.smtp']).stdout).not.toContain(PASSWORD);
    expect(list.stdout).not.toContain('secret.alerts');
    expect(inFiles(vault, PASSWORD)).toEqual([]);
    expect(fs.readFileSync(path.join(vault, 'textvault.db')).includes(Buffer.from('tvs1:'))).toBe(true);
  });

  it('in clear in a vault from an older version is sealed when the vault opens, and its old bytes leave the file', async () => {
    const dir = path.join(tempDir(), 'vault');
    const old = await Vault.open(dir, { create: true });
    // How earlier versions stored it.
    await old.config.setRaw('alerts.smtp', `smtp://me:${PASSWORD}@mail.example.org:587`);
    await old.close();
    expect(inFiles(dir, PASSWORD)).toEqual(['textvault.db']);

    const listed = cli(['--vault', dir, 'config', 'list']);
    expect(listed.stdout).toContain('alerts.smtp = smtp://me:(set)@mail.example.org:587');
    expect(inFiles(dir, PASSWORD)).toEqual([]);

    const reopened = await Vault.open(dir);
    try {
      // The mailer still gets the password.
      expect(await reopened.config.smtpUrl()).toBe(`smtp://me:${PASSWORD}@mail.example.org:587`);
    } finally {
      await reopened.close();
    }
  });

  it('does not open without the key: alert e-mails are off with a message, the password is not guessed', async () => {
    const dir = path.join(tempDir(), 'vault');
    expect(cli(['--vault', dir, 'config', 'set', 'alerts.smtp', `smtp://me:${PASSWORD}@127.0.0.1:1`]).code).toBe(0);
    fs.rmSync(path.join(dir, 'secret.key'));
    const vault = await Vault.open(dir);
    try {
      await expect(vault.config.smtpUrl()).rejects.toThrow(/secret key .* is missing.*set the secret again/);
    } finally {
      await vault.close();
    }
  });
});
