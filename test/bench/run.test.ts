/**
 * `npm run bench` still runs: the mixed scenario of issue 27 at 1% scale (2,000 messages), end to
 * end through the built import, as CI runs it (BENCH_SCALE=0.01). A smoke, not a timing: the
 * figures it prints are not checked, only that every step ran and reported.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('npm run bench', () => {
  it('runs the mixed scenario at BENCH_SCALE=0.01 and reports each step', () => {
    const dir = tempDir();
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/run.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BENCH_SCALE: '0.01', BENCH_ONLY: 'mixed', BENCH_DIR: dir },
      timeout: 300_000,
    });
    expect(run.stderr).toContain('mixed done');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\| mixed \| plain read \(disk\/decode limit\) \| 2 \| 2,000 \|/);
    expect(run.stdout).toMatch(/\| mixed \| import into empty vault \| 2 \| 2,000 \|/);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as { rows: { scenario: string; records: number }[] };
    expect(results.rows.filter((r) => r.scenario === 'mixed' && r.records === 2000).length).toBeGreaterThanOrEqual(2);
  }, 320_000);
});
