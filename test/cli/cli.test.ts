import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { cli } from '../helpers/cli.js';
import { fixture, tempDir } from '../helpers/temp.js';

const StatsJson = z.object({
  sms: z.number().int(),
  mms: z.number().int(),
  calls: z.number().int(),
  conversations: z.number().int(),
});
const BackupsJson = z.array(
  z.object({
    file: z.string(),
    format: z.string(),
    status: z.string(),
    new: z.number().int(),
    duplicate: z.number().int(),
    updated: z.number().int(),
    rejected: z.number().int(),
  }),
);

describe('textvault CLI', () => {
  it('imports, lists backups, shows stats and verifies, with JSON output', () => {
    const vault = path.join(tempDir(), 'v');
    const imp = cli(['--vault', vault, 'import', '--salvage', fixture('sbr', 'google-messages-truncated.xml'), fixture('sbr', 'sms-threads.xml')]);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/google-messages-truncated\.xml: PARTIAL import 16 records \(8 SMS, 8 MMS\) .*: 16 new, 0 duplicate, 0 updated, 0 rejected/);
    expect(imp.stdout).toMatch(/stopped at damage, kept everything before it: .*google-messages-truncated\.xml:102:5/);
    expect(imp.stdout).toMatch(/assumed region US/);

    const backups = cli(['--vault', vault, 'backups', '--json']);
    expect(backups.code).toBe(0);
    const runs = BackupsJson.parse(JSON.parse(backups.stdout));
    expect(runs.map((r) => [r.file, r.format, r.status])).toEqual([
      ['google-messages-truncated.xml', 'sbr', 'partial'],
      ['sms-threads.xml', 'sbr', 'complete'],
    ]);
    expect(runs[1]?.duplicate).toBeGreaterThan(0);

    const stats = StatsJson.parse(JSON.parse(cli(['--vault', vault, 'stats', '--json']).stdout));
    expect(stats.sms + stats.mms).toBeGreaterThan(0);
    expect(stats.conversations).toBeGreaterThan(0);
    expect(cli(['--vault', vault, 'stats']).stdout).toMatch(/messages: +\d+/);

    const verify = cli(['--vault', vault, 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/vault OK/);
  });

  it('honours TEXTVAULT_DIR', () => {
    const vault = path.join(tempDir(), 'env-vault');
    expect(cli(['import', fixture('sbr', 'sms-threads.xml')], { TEXTVAULT_DIR: vault }).code).toBe(0);
    expect(fs.existsSync(path.join(vault, 'textvault.db'))).toBe(true);
  });

  it('exits 2 on usage errors and 0 on --help for every command', () => {
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['import']).code).toBe(2);
    expect(cli(['stats', '--bogus']).code).toBe(2);
    for (const c of ['import', 'backups', 'stats', 'verify', 'config']) {
      const r = cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: textvault');
    }
  });

  it('exits 1 with an actionable message when the operation fails', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    const bad = path.join(dir, 'notes.txt');
    fs.writeFileSync(bad, 'just some text');
    const r = cli(['--vault', vault, 'import', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: this is a text file in no format Textvault knows, not a phone backup.`);
    expect(cli(['--vault', path.join(dir, 'nowhere'), 'stats']).stderr).toMatch(/no vault at .*import a backup first/);
    expect(cli(['--vault', path.join(dir, 'nowhere'), 'stats']).code).toBe(1);
  });

  it('verify exits 1 and names the blob when media is damaged or missing', () => {
    const vault = path.join(tempDir(), 'v');
    expect(cli(['--vault', vault, 'import', fixture('sbr', 'mms-media.xml')]).code).toBe(0);
    // The four pictures are small, so they share one pack: damage the first, cut the pack
    // before the last.
    const packs = path.join(vault, 'blobs', 'packs');
    const index = new Database(path.join(packs, 'index.db'), { readonly: true });
    const blobs = index.prepare<[], { sha256: string; pack: string; offset: number }>('SELECT sha256, pack, offset FROM packed ORDER BY offset').all();
    index.close();
    expect(blobs.length).toBe(4);
    const damaged = blobs[0];
    const missing = blobs[3];
    if (damaged === undefined || missing === undefined) throw new Error('expected blobs');
    const fd = fs.openSync(path.join(packs, damaged.pack), 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, damaged.offset + 10);
    fs.ftruncateSync(fd, missing.offset);
    fs.closeSync(fd);
    const r = cli(['--vault', vault, 'verify', '--json']);
    expect(r.code).toBe(1);
    const report = z.object({ ok: z.boolean(), problems: z.array(z.string()) }).parse(JSON.parse(r.stdout));
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.includes(damaged.sha256) && p.includes('damaged'))).toBe(true);
    expect(report.problems.some((p) => p.includes(missing.sha256) && p.includes('missing'))).toBe(true);
    expect(report.problems).toHaveLength(2);
  });

  it('config set validates values and refuses to change the region of a filled vault', () => {
    const vault = path.join(tempDir(), 'v');
    expect(cli(['--vault', vault, 'config', 'set', 'region', 'gb']).stdout).toBe('region = GB\n');
    expect(cli(['--vault', vault, 'config', 'set', 'region', 'Narnia']).code).toBe(1);
    expect(cli(['--vault', vault, 'config', 'set', 'dedup.ignore-whitespace', 'maybe']).code).toBe(1);
    expect(cli(['--vault', vault, 'config', 'set', 'nonsense', '1']).stderr).toMatch(/unknown setting/);
    expect(cli(['--vault', vault, 'import', fixture('sbr', 'sms-threads.xml')]).stdout).toMatch(/region GB \(configured\)/);
    const change = cli(['--vault', vault, 'config', 'set', 'region', 'US']);
    expect(change.code).toBe(1);
    expect(change.stderr).toMatch(/already holds records/);
    expect(cli(['--vault', vault, 'config', 'get', 'region']).stdout).toBe('GB\n');
  });

  it('export writes restore-ready files and fails clearly on a bad selection', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    expect(cli(['--vault', vault, 'import', fixture('sbr', 'sms-threads.xml'), fixture('sbr', 'mms-media.xml')]).code).toBe(0);
    const out = path.join(dir, 'restore');
    const r = cli(['--vault', vault, 'export', '--format', 'sbr', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const result = z
      .object({ files: z.array(z.object({ path: z.string(), records: z.number() })), messages: z.number(), calls: z.number() })
      .parse(JSON.parse(r.stdout));
    expect(result.messages).toBe(16);
    expect(result.files).toHaveLength(1);
    expect(path.basename(result.files[0]?.path ?? '')).toMatch(/^sms-\d{14}\.xml$/);
    const unknown = cli(['--vault', vault, 'export', '--format', 'sbr', '--out', path.join(dir, 'x'), '--contact', '+44 20 7946 0000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no messages or calls with/);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
    expect(cli(['--vault', vault, 'export', '--format', 'docx', '--out', out]).code).toBe(2);
    expect(cli(['--vault', vault, 'export', '--format', 'sbr', '--out', out, '--since', 'yesterday-ish']).code).toBe(2);
    expect(cli(['--vault', vault, 'export', '--out', out]).code).toBe(2);
  });
});
