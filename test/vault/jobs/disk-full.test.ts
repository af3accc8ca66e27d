/**
 * Issue #7: a disk that fills up during an import fails the job cleanly, and the vault stays as it
 * was (and passes verify). The vault lives on a real, tiny tmpfs, so the ENOSPC comes from the
 * kernel, wherever in the import it happens to strike.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { dumpVault } from '../../../src/vault/dump.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { JobQueue } from '../../../src/vault/jobs/index.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { Vault } from '../../../src/vault/vault.js';
import { fixture, tempDir } from '../../helpers/temp.js';

// Mounting needs root, which CI has (it installs packages with apt-get); elsewhere this test
// cannot build its small disk.
const isRoot = process.getuid?.() === 0;
let mountPoint = '';

beforeAll(() => {
  if (!isRoot) return;
  // Not tempDir(): its per-test cleanup would try to remove the mount point while mounted.
  mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]);
});
afterAll(() => {
  if (mountPoint === '') return;
  execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

describe.runIf(isRoot)('a full disk during an import job', () => {
  it('fails the job with a clear error; the vault keeps what it had and passes verify', async () => {
    const vaultDir = path.join(mountPoint, 'vault');
    const vault = await Vault.open(vaultDir, { create: true });
    try {
      await importFile(vault, fixture('sbr', 'mms-media.xml'));
      const before = await dumpVault(vault);
      // Several MB of media: more than the disk has left.
      const big = path.join(tempDir(), 'sms-big.xml');
      await writeSmsBackup(big, { seed: 21, sms: 2_000, mms: 60, mediaBytes: 100_000 });

      const queue = await JobQueue.open(vault, { progressPersistMs: 50 });
      try {
        const job = await queue.enqueue({ kind: 'import', file: big });
        await queue.start();
        await queue.idle();
        const ended = await queue.get(job.id);
        expect(ended?.status).toBe('failed');
        // From the kernel (ENOSPC, SQLite's "database or disk is full") or from the import's own
        // free-space guard (import.min-free-space), whichever notices first.
        expect(ended?.error).toMatch(/ENOSPC|no space|disk is full|database or disk is full|disk is nearly full/i);
      } finally {
        await queue.close();
      }

      expect(await dumpVault(vault)).toEqual(before);
      const report = await verifyVault(vault);
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // Nothing half-written is left in the blob store's temp folder to eat the space.
      const tmp = path.join(vaultDir, 'blobs', 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    } finally {
      await vault.close();
    }
  }, 60_000);
});
