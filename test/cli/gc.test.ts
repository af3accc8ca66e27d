/**
 * The real CLI: `verify` points at `--repair` when packed media went missing with the pack
 * index, `verify --repair` rebuilds it from the packs, `gc` reports what it gave back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('textvault verify --repair and gc', () => {
  it('rebuilds a deleted pack index so that verify is clean again, and gc compacts the packs', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    for (const seed of [1, 2, 3]) {
      const file = path.join(dir, `b${seed}.xml`);
      await writeSmsBackup(file, { seed, sms: 20, mms: 10, mediaBytes: 4_000 });
      expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    }
    const packs = path.join(vault, 'blobs', 'packs');
    expect(fs.readdirSync(packs).filter((n) => n.endsWith('.pack'))).toHaveLength(3);
    for (const f of fs.readdirSync(packs)) if (f.startsWith('index.db')) fs.rmSync(path.join(packs, f));

    const broken = cli(['--vault', vault, 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/PROBLEM: media [0-9a-f]{64} is missing/);
    expect(broken.stdout).toContain('textvault verify --repair rebuilds it from the packs');

    const repaired = cli(['--vault', vault, 'verify', '--repair']);
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    const found = /media index: read 3 of 3 packs, found (\d+) media, added (\d+) the index lacked/.exec(repaired.stdout);
    expect(found?.[1]).toBe(found?.[2]);
    expect(Number(found?.[1])).toBeGreaterThan(20);
    expect(repaired.stdout).toContain('vault OK');

    const gc = cli(['--vault', vault, 'gc']);
    expect(gc.stderr).toBe('');
    expect(gc.code).toBe(0);
    expect(gc.stdout).toContain(`compacted 3 packs into 1 (${found?.[1] ?? ''} media moved`);
    expect(fs.readdirSync(packs).filter((n) => n.endsWith('.pack'))).toHaveLength(1);
    const json = cli(['--vault', vault, 'gc', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ rowsRemoved: 0, blobsRemoved: 0, compaction: { packsRewritten: 0 } });
    expect(cli(['--vault', vault, 'verify']).code).toBe(0);
    expect(cli(['--help']).stdout).toMatch(/\n {2}gc /);
  }, 120_000);
});
