/**
 * The second half of a large SMS Backup & Restore export, written by a worker thread on its own
 * read connection while the export's thread writes the first half: formatting XML costs more
 * CPU than reading the archive, so two cores write about twice as fast.
 */
import { serializeError } from '../threads/thread-errors.js';
import { workerSide } from '../threads/spawn-worker.js';
import { Vault } from '../vault.js';
import { ArchiveReader } from './archive-reader.js';
import { PROGRESS, STOP, type FromExportWorker, type SbrExportJob } from './sbr-export-protocol.js';
import { writeSbrFiles } from './sbr-files.js';

const { job, post } = workerSide<SbrExportJob, FromExportWorker>('sbr-export-worker.ts');
const control = new Int32Array(job.control);

let vault: Vault | undefined;
try {
  vault = await Vault.open(job.vaultDir);
  // One pass in index order: a small page cache does as well as the import's 32 MiB, and the
  // export's peak memory stays that of one thread.
  vault.store.sqlite.pragma('cache_size = -4096');
  const opened = vault;
  const warnings: string[] = [];
  const records = new ArchiveReader(opened).messages(job.selection, job.from);
  const files = await writeSbrFiles(records, job.plans, {
    outDir: job.outDir,
    kind: 'messages',
    now: new Date(job.nowMs),
    legacyEmoji: job.legacyEmoji,
    media: { open: (sha256) => opened.blobs.chunks(sha256) },
    warnings,
    onRecord: () => {
      // Stopping by throwing here lets the file being written remove its temporary name.
      if (Atomics.load(control, STOP) !== 0) throw new Error('export stopped');
      Atomics.add(control, PROGRESS, 1);
    },
  });
  post({ type: 'done', files, warnings });
} catch (e) {
  post({ type: 'failed', error: serializeError(e) });
} finally {
  await vault?.close();
}
