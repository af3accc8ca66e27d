/**
 * A snapshot of the vault as a job ("Snapshot now" on the Backups page): the folder, key and
 * `--keep` are the ones `textvault snapshot schedule` set, never anything the job's requester
 * names. Its outcome is recorded in the vault's snapshot status like a scheduled one's.
 */
import type { Vault } from '../vault.js';
import type { JobProgress } from './job.js';

export async function runSnapshotJob(vault: Vault, onProgress: (p: JobProgress) => void): Promise<object> {
  const { runScheduledSnapshot } = await import('../snapshot/scheduled.js');
  const result = await runScheduledSnapshot(vault, new Date(), (done, total) => { onProgress({ done, total, unit: 'files' }); });
  return { ...result };
}
