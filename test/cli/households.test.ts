import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NODE_FLAGS, cli } from '../helpers/cli.js';
import { fixture, tempDir } from '../helpers/temp.js';

function withStdin(args: string[], input: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, CLI, ...args], { encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const messages = (vault: string, user?: string): number => {
  const r = cli(['--vault', vault, ...(user === undefined ? [] : ['--user', user]), 'stats', '--json']);
  expect(r.stderr).toBe('');
  const s = JSON.parse(r.stdout) as { sms: number; mms: number };
  return s.sms + s.mms;
};

describe('textvault for a household (issue 23)', () => {
  it('keeps an archive per account: --user picks it for import, stats and export; shares and removal say what they do', () => {
    const vault = path.join(tempDir(), 'vault');
    expect(JSON.parse(withStdin(['--vault', vault, 'user', 'add', 'mum', '--json'], 'Purple elephant ladder 73\n').stdout)).toEqual({ user: 'mum', outcome: 'added', role: 'admin' });
    expect(withStdin(['--vault', vault, 'user', 'add', 'kid', '--email', 'kid@example.org'], 'Orange giraffe window 58\n').stdout).toBe('added user kid, with an archive of their own\n');

    expect(cli(['--vault', vault, '--user', 'kid', 'import', fixture('sbr', 'sms-mms-small.xml')]).code).toBe(0);
    expect(messages(vault, 'kid')).toBe(7);
    // Without --user: the first admin's (home) archive, which holds none of kid's.
    expect(messages(vault)).toBe(0);
    expect(messages(vault, 'mum')).toBe(0);
    const unknown = cli(['--vault', vault, '--user', 'nobody', 'stats']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('there is no account named "nobody"; the accounts are: kid, mum');
    const out = path.join(tempDir(), 'kid-export');
    expect(cli(['--vault', vault, '--user', 'kid', 'export', '--format', 'csv', '--out', out]).code).toBe(0);
    expect(fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8')).join('')).toContain('Happy new year!');

    expect(cli(['--vault', vault, '--user', 'kid', 'share', 'add', 'mum']).stdout).toBe("kid's archive is shared read-only with mum\n");
    expect(JSON.parse(cli(['--vault', vault, '--user', 'kid', 'share', 'list', '--json']).stdout)).toMatchObject([{ username: 'mum' }]);
    const listed = JSON.parse(cli(['--vault', vault, 'user', 'list', '--json']).stdout) as { username: string; role: string; sharedWith: string[] }[];
    expect(listed.map((a) => [a.username, a.role, a.sharedWith])).toEqual([
      ['kid', 'user', ['mum']],
      ['mum', 'admin', []],
    ]);
    expect(cli(['--vault', vault, 'user', 'disable', 'mum']).stderr).toContain('mum is the only admin left');
    expect(cli(['--vault', vault, 'user', 'remove', 'mum', '--confirm', 'mum']).stderr).toContain("owns the server's home archive");

    // Removing asks for the name again and says what goes.
    const wrong = withStdin(['--vault', vault, 'user', 'remove', 'kid'], 'kidd\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/This deletes the account kid and its archive .*archives\/2 \(.* on disk; last backup \d{4}-\d\d-\d\d\)/);
    expect(wrong.stderr).toContain('nothing was removed');
    expect(messages(vault, 'kid')).toBe(7);
    const removed = withStdin(['--vault', vault, 'user', 'remove', 'kid'], 'kid\n');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed kid and deleted its archive');
    expect(fs.existsSync(path.join(vault, 'archives', '2'))).toBe(false);
  }, 120_000);
});
