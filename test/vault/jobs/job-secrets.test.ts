/**
 * An encrypted backup's password while its import job waits (job-secrets.ts): sealed in
 * control.db's job_secrets under the vault's secret key, for that job only, read by the run and
 * deleted when the job ends; a plain `jobs retry` of a job that had one does not find it again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobQueue, UPLOADS_DIR } from '../../../src/vault/jobs/index.js';
import { jobPassphrase, jobPassphrasePurpose } from '../../../src/vault/jobs/job-secrets.js';
import { openSecret } from '../../../src/vault/secrets.js';
import { abOf, phoneTar } from '../../formats/androidbackup/build.js';
import { counts, useVaults } from '../../helpers/vault.js';

const newVault = useVaults();
const PASSWORD = 'correct battery staple ✓';

/** An encrypted .ab where the server keeps uploads, as an upload would leave it. */
function uploadedAb(vaultDir: string): string {
  const spool = path.join(vaultDir, UPLOADS_DIR);
  fs.mkdirSync(spool, { recursive: true });
  const file = path.join(spool, 'phone.ab');
  fs.writeFileSync(file, abOf(phoneTar(), { password: PASSWORD, rounds: 1000 }));
  return file;
}

function controlBytes(dir: string): Buffer {
  return Buffer.concat(['control.db', 'control.db-wal'].map((n) => path.join(dir, n)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

describe('a job passphrase', () => {
  it('waits sealed for its job only, is read by the run, and is deleted when the job ends', async () => {
    const vault = await newVault();
    const queue = await JobQueue.open(vault);
    try {
      const file = uploadedAb(vault.dir);
      const job = await queue.enqueue({ kind: 'import', file, deleteAfter: true, originalName: 'phone.ab' }, { passphrase: PASSWORD });

      // Waiting (the queue is not started): one sealed row, the clear text nowhere in the database.
      const rows = await queue.control.db.selectFrom('job_secrets').selectAll().execute();
      expect(rows.map((r) => r.job_id)).toEqual([job.id]);
      const [row] = rows;
      if (row === undefined) throw new Error('no row');
      expect(row.sealed_passphrase).toMatch(/^tvs1:/);
      expect(controlBytes(vault.dir).includes(Buffer.from(PASSWORD))).toBe(false);
      expect(await jobPassphrase(vault.dir, queue.control.db, job.id)).toBe(PASSWORD);
      // Sealed for this job: under another job's purpose it does not open.
      await expect(openSecret(vault.dir, jobPassphrasePurpose(job.id + 1), row.sealed_passphrase)).rejects.toThrow(/does not open/);

      await queue.start();
      await queue.idle();
      expect((await queue.get(job.id))?.status).toBe('done');
      expect((await counts(vault)).sms).toBeGreaterThan(0);
      expect(await queue.control.db.selectFrom('job_secrets').selectAll().execute()).toEqual([]);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await queue.close();
    }
  }, 60_000);

  it('a wrong one fails the job, is deleted too, and keeps the upload for the next try', async () => {
    const vault = await newVault();
    const queue = await JobQueue.open(vault);
    try {
      const file = uploadedAb(vault.dir);
      await queue.start();
      const job = await queue.enqueue({ kind: 'import', file, deleteAfter: true, originalName: 'phone.ab' }, { passphrase: 'nope' });
      await queue.idle();
      expect(await queue.get(job.id)).toMatchObject({ status: 'failed', result: { errorName: 'WrongPassphraseError' } });
      expect(await queue.control.db.selectFrom('job_secrets').selectAll().execute()).toEqual([]);
      expect(fs.existsSync(file)).toBe(true);

      await queue.retryWithPassphrase(job.id, PASSWORD);
      await queue.idle();
      expect((await queue.get(job.id))?.status).toBe('done');
      expect(fs.existsSync(file)).toBe(false);
      expect(await queue.control.db.selectFrom('job_secrets').selectAll().execute()).toEqual([]);
    } finally {
      await queue.close();
    }
  }, 60_000);

  it("keeps an upload that waits for its password a week, then deletes it like a crashed job's", async () => {
    const vault = await newVault();
    // Sweeps at every idle turn, so the running queue's periodic sweep is what is tested.
    const queue = await JobQueue.open(vault, { exportSweepMs: 0, pollMs: 20 });
    try {
      const file = uploadedAb(vault.dir);
      await queue.start();
      const job = await queue.enqueue({ kind: 'import', file, deleteAfter: true, originalName: 'phone.ab' });
      await queue.idle();
      expect(await queue.get(job.id)).toMatchObject({ status: 'failed', result: { errorName: 'PassphraseRequiredError' }, retryable: false });
      await new Promise((r) => setTimeout(r, 300));
      expect(fs.existsSync(file)).toBe(true);

      await queue.control.db.updateTable('jobs').set({ ended_at: Date.now() - 8 * 24 * 60 * 60 * 1000 }).where('id', '=', job.id).execute();
      const deadline = Date.now() + 5000;
      while (fs.existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(fs.existsSync(file)).toBe(false);
      await expect(queue.retryWithPassphrase(job.id, PASSWORD)).rejects.toThrow(/no longer kept: upload the backup again/);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
