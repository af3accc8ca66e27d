/**
 * The import's reader thread: opens the backup, reads one unit, stages its media in the blob
 * store and prepares every record (prepare-record.ts), handing the main thread batches it only
 * has to write to SQLite. Both cores work: on a large SMS backup, reading and preparing cost
 * about as much CPU as the database writes.
 */
import { openMediaStore } from '../../blobs/open-media-store.js';
import { callFields, mmsFields, smsFields } from '../../formats/sbr/fields.js';
import type { OpenedBackup } from '../../formats/backup-unit.js';
import { openBackup } from '../../formats/registry.js';
import { parseRegion, PhoneNormalizer } from '../phone.js';
import { workerSide } from '../threads/spawn-worker.js';
import { BatchEncoder, transferList } from './batch-codec.js';
import { blobMediaSink } from './media-sink.js';
import { prepareRecord } from './prepare-record.js';
import { serializeError } from '../threads/thread-errors.js';
import { ABORT, IN_FLIGHT, type FromWorker, type ReadItem, type ReadJob } from './read-protocol.js';

/**
 * Records per batch, and batches the main thread may have waiting: bounds the memory in between.
 * Small batches, many in flight: a batch being filled survives the worker's young-generation
 * collections and gets copied and promoted, and 1,000 records at a time made the collector a
 * third of the worker's time. 200,000 SMS: 1000 x 4: 4.9-5.2 s, 250 x 16: 4.3 s, 100 x 40:
 * 3.7-3.8 s, 50 x 80: 3.9 s, same peak memory.
 */
const BATCH_RECORDS = 100;
const MAX_IN_FLIGHT = 40;
/** A batch is also sent once its records' bytes reach this, so progress moves on media-heavy files. */
const BATCH_BYTES = 4 * 1024 * 1024;
/**
 * From this many batches waiting, the database thread is behind and this thread hashes the
 * message keys itself; below it, that thread has time and derives them (PreparedMessage.strictKey).
 * Which thread is the slower one depends on the file: on the mixed backup (issue 27: media to
 * stage, short SMS) the reader was busy 11.3 of 12.2 s while the database thread idled 54%; on
 * the 1M-SMS file the database thread is the bottleneck and the reader waits for room. Per-thread
 * CPU of the mixed import with the keys always on the database thread: reader -0.6 s, database
 * thread +0.3 s; of the 1M-SMS import: database thread +1 to +2 s, so it decides per batch.
 */
const KEYS_HERE_IN_FLIGHT = MAX_IN_FLIGHT / 2;

class Aborted extends Error {
  override readonly name = 'Aborted';
  constructor() {
    super('import cancelled');
  }
}

const { job, post } = workerSide<ReadJob, FromWorker>('read-worker.ts');
const control = new Int32Array(job.control);

const batch = new BatchEncoder();
let bytes = 0;
let expanded = 0;
/** Whether this thread computes the message keys of the batch being filled (KEYS_HERE_IN_FLIGHT). */
let keysHere = false;

/**
 * Waits (blocking: the reader calls us synchronously) while the main thread is behind; false
 * once the main thread asked to stop.
 */
function waitForRoom(): boolean {
  for (;;) {
    if (Atomics.load(control, ABORT) !== 0) return false;
    const inFlight = Atomics.load(control, IN_FLIGHT);
    if (inFlight < MAX_IN_FLIGHT) return true;
    Atomics.wait(control, IN_FLIGHT, inFlight, 1_000);
  }
}

function send(): void {
  if (batch.count === 0 && bytes === 0 && expanded === 0) return;
  Atomics.add(control, IN_FLIGHT, 1);
  const wire = batch.take();
  post({ type: 'batch', batch: wire, bytes, expanded }, transferList(wire));
  bytes = 0;
  expanded = 0;
  keysHere = Atomics.load(control, IN_FLIGHT) >= KEYS_HERE_IN_FLIGHT;
}

/** Sends the batch; throws Aborted (out of the reader, which then stops) when asked to stop. */
function flush(): void {
  if (!waitForRoom()) throw new Aborted();
  send();
}

function add(item: ReadItem): void {
  batch.add(item);
  if (batch.count >= BATCH_RECORDS) flush();
}

const blobs = await openMediaStore(job.media);
let opened: OpenedBackup | undefined;
try {
  opened = await openBackup(job.file, { limits: job.limits });
  const unit = opened.units[job.unitIndex];
  if (unit === undefined) throw new Error(`${job.file}: backup unit ${job.unitIndex} not found`);
  const fields = unit.fields ?? { sms: smsFields, mms: mmsFields, call: callFields };
  const phones = new PhoneNormalizer(parseRegion(job.region));
  let unflushedBytes = 0;
  const outcome = await unit.read({
    sink: blobMediaSink(blobs),
    salvage: job.salvage,
    ...(job.knownPrefixes === undefined ? {} : { knownPrefixes: job.knownPrefixes }),
    ...(job.checkpointEvery === undefined ? {} : { checkpointEvery: job.checkpointEvery }),
    onBytes: (n) => {
      bytes += n;
      unflushedBytes += n;
      // Never throws: readers call this from stream callbacks, where a throw would escape them
      // and end the worker without its clean-up. A stop is noticed at the next record instead.
      if (unflushedBytes >= BATCH_BYTES) {
        unflushedBytes = 0;
        if (waitForRoom()) send();
      }
    },
    onExpanded: (n) => {
      expanded += n;
    },
    handler: {
      header: (header) => {
        post({ type: 'header', header });
      },
      record: (r, attrText) => {
        add(prepareRecord(r, fields, phones, attrText, keysHere));
      },
      warning: (warning) => {
        add({ type: 'warning', warning });
      },
      contact: (contact) => {
        add({ type: 'contact', contact });
      },
      checkpoint: (checkpoint) => {
        add({ type: 'checkpoint', checkpoint });
      },
      resumed: (checkpoint) => {
        add({ type: 'resumed', checkpoint });
      },
    },
  });
  flush();
  post({ type: 'done', outcome, staged: await blobs.handOver() });
} catch (e) {
  if (e instanceof Aborted) {
    blobs.discardStaged();
    post({ type: 'failed', error: serializeError(e), staged: [] });
  } else {
    // Records before the damage are sent, and their media handed over, so that a salvaging
    // import keeps them; an import that fails drops them with its other staged blobs.
    try {
      flush();
      post({ type: 'failed', error: serializeError(e), staged: await blobs.handOver() });
    } catch (again) {
      blobs.discardStaged();
      post({ type: 'failed', error: serializeError(again instanceof Aborted ? e : again), staged: [] });
    }
  }
} finally {
  opened?.dispose();
  await blobs.close();
}
