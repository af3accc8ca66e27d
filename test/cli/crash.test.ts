/**
 * Crash safety with real kills: SIGKILL the import process at several moments, then check that
 * the vault verifies and that a re-run completes with no duplicates.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../bench/generator.js';
import { dumpVault } from '../../src/vault/dump.js';
import { BULK_JOURNAL_MIN_BYTES } from '../../src/vault/import/import-backup.js';
import { Vault } from '../../src/vault/vault.js';
import { CLI, cli, NODE_FLAGS } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

function importThenKill(vault: string, file: string, afterMs: number): Promise<{ killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, '--vault', vault, 'import', file], { stdio: 'ignore' });
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    setTimeout(() => {
      const killed = !exited && child.kill('SIGKILL');
      child.on('close', () => {
        resolve({ killed });
      });
      if (exited) resolve({ killed: false });
    }, afterMs);
  });
}

describe('killing an import', () => {
  it('at any moment leaves a vault that verifies, and a re-run completes without duplicates', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sms-big.xml');
    await writeSmsBackup(file, { seed: 7, sms: 60_000, mms: 300, mediaBytes: 30_000 });
    // Large enough that the import writes through the bulk journal: the kills hit that path too.
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(BULK_JOURNAL_MIN_BYTES);

    // Reference: the same file imported without interruption.
    const reference = path.join(dir, 'reference');
    const ref = cli(['--vault', reference, 'import', '--json', file]);
    expect(ref.code).toBe(0);
    const refCounts = (JSON.parse(ref.stdout) as { counts: { new: number } }[])[0]?.counts.new;

    const vault = path.join(dir, 'vault');
    let kills = 0;
    for (const ms of [150, 400, 700, 1000, 1400, 2000]) {
      const { killed } = await importThenKill(vault, file, ms);
      if (killed) kills++;
      const verify = cli(['--vault', vault, 'verify', '--json']);
      // A kill before the vault's first commit may leave no database yet.
      if (verify.code === 1 && verify.stderr.includes('no vault at')) continue;
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    const rerun = cli(['--vault', vault, 'import', '--json', file]);
    expect(rerun.code).toBe(0);
    const stats = JSON.parse(cli(['--vault', vault, 'stats', '--json']).stdout) as { sms: number; mms: number };
    expect(stats.sms + stats.mms).toBe(refCounts);
    expect(cli(['--vault', vault, 'verify']).code).toBe(0);

    const a = await Vault.open(reference);
    const b = await Vault.open(vault);
    try {
      expect(await dumpVault(b)).toEqual(await dumpVault(a));
    } finally {
      await a.close();
      await b.close();
    }
  }, 180_000);
});
