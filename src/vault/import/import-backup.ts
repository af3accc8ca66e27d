/**
 * Imports one backup file (or every backup inside a ZIP) into the vault.
 *
 * Each backup is one transaction: it either completes, with its `backups` row and counts, or
 * leaves the archive exactly as it was. Media is streamed into the blob store while the file is
 * read and made durable just before the commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackupUnit, ReadOutcome } from '../../formats/backup-unit.js';
import type { FormatId } from '../../formats/formats.js';
import { MalformedBackupError } from '../../formats/errors.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../../formats/limits.js';
import { openBackup } from '../../formats/registry.js';
import { callFields, mmsFields, smsFields } from '../../formats/sbr/fields.js';
import type { BackupContent, BackupHeader, ContactRecord, ReadWarning } from '../../formats/records.js';
import type { ImportTransaction } from '../../store/import-transaction.js';
import { inputLimitsOf, minFreeBytes } from '../config.js';
import type { MatchOptions } from '../identity.js';
import { formatRegion, PhoneNormalizer } from '../phone.js';
import type { Vault } from '../vault.js';
import { ArchiveWriter } from './archive-writer.js';
import { backupDateOf, finishBackupRun, startBackupRun, type RunCounts } from './backup-run.js';
import { findIdenticalBackup, type KnownBackup } from './known-backup.js';
import { CHECKPOINT_EVERY, identitySettings, knownCheckpoints, resumedFrom, saveCheckpoints, type StoredCheckpoint } from './body-checkpoints.js';
import type { BodyCheckpoint } from '../../formats/backup-unit.js';
import { blobMediaSink } from './media-sink.js';
import { ContactWriter } from './contact-writer.js';
import { checkFreeSpace, freeBytes, requiredFreeBytes } from './disk-space.js';
import { chooseRegion } from './region.js';
import { prepareRecord, type PreparedRecord } from './prepare-record.js';
import { readInWorker, readsInWorker, type UnitOrigin } from './worker-reader.js';
import { assertMediaLocationCurrent } from '../media-location.js';

export interface ImportOptions {
  /** Keep every complete record before damage in the file, and record the run as partial. */
  salvage?: boolean;
  /** Overrides the vault's dedup settings for this run. */
  match?: Partial<MatchOptions>;
  /** Read the file even when exactly the same bytes (or the first of them, see body-checkpoints.ts) were imported before. */
  force?: boolean;
  /** Bytes between the checkpoints kept for the next import of a growing file (CHECKPOINT_EVERY; tests use less). */
  checkpointEvery?: number;
  /** Asked for the passphrase of an encrypted backup (SMS Import/Export .ssef), only when needed. */
  passphrase?: () => Promise<string>;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Runs inside each unit's transaction after its records are written and before the commit, so
   * what it stores (an IMAP source's sync mark) is committed with them or not at all.
   */
  beforeCommit?: (unit: BackupUnit) => Promise<void>;
  /**
   * The name a person knows the file by, recorded as the run's file name instead of the path's
   * last segment: an upload is spooled under a generated name, but the import history should say
   * "sms-2024.xml".
   */
  displayName?: string;
  /**
   * Where records are read and prepared: `auto` (a worker thread for a large file of a format
   * that can be reopened there, this thread otherwise), or always `worker` / `thread` (tests).
   */
  readIn?: 'auto' | 'worker' | 'thread';
  /**
   * The file came from outside (an upload, a device, a watched folder): it is read in a reader
   * thread whose heap is limited, whatever its size or content, when its format can be read
   * there (every file format but an encrypted one). Overrides `readIn`.
   */
  untrusted?: boolean;
  /**
   * Lets a backup of BULK_JOURNAL_MIN_BYTES or more, imported while no other connection has the
   * vault open, write through a rollback journal (store/bulk-journal.ts): faster, but other
   * processes cannot read the vault until it commits. For imports a person started and waits for
   * (`textvault import`); background imports (jobs, sources, the daemon) keep the WAL so they
   * never lock anyone out.
   */
  bulkJournal?: boolean;
  /**
   * Stops the import (a cancel, a time limit, a shutdown): the backup being read is rolled back
   * and the import rejects with the signal's reason, or an error the stop caused. A ZIP's
   * backups that committed before stay (each is one complete import); a stop after the last
   * commit changes nothing.
   */
  signal?: AbortSignal;
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  /** Bytes of content read after decompression (equal to bytesRead for a plain file). */
  bytesExpanded: number;
  records: number;
}

export type ImportCounts = RunCounts;

/** Records an import skipped because an earlier import of the same growing file read them (body-checkpoints.ts). */
export interface SkippedKnown {
  backupId: number;
  records: number;
  bytes: number;
  /** What the import history and the command line say of it. */
  note: string;
}

export interface ImportResult {
  file: string;
  format: FormatId;
  content: BackupContent;
  /** `skipped`: the same bytes were imported before (`backupId` is that import); nothing was read. */
  status: 'complete' | 'partial' | 'skipped';
  backupId: number;
  counts: ImportCounts;
  sms: number;
  mms: number;
  calls: number;
  /** Contacts files: how many named numbers were read. */
  contacts: number;
  region: string;
  regionNote: string;
  /** The first warnings (at most MAX_KEPT_WARNINGS), for the summary. */
  warnings: ReadWarning[];
  /** Why a salvaged import stopped early. */
  salvageReason?: string;
  /** The file began with the same records, byte for byte, as an earlier import of it: they were skipped (counted as duplicates). */
  skippedKnown?: SkippedKnown;
  seconds: number;
}

const MAX_KEPT_WARNINGS = 100;

/**
 * From this size a backup imported with `bulkJournal` that has the vault to itself is written
 * through a rollback journal (store/bulk-journal.ts): its pages are written once instead of twice.
 * Smaller imports keep the WAL: for them the saving is small and not worth blocking a reader.
 */
export const BULK_JOURNAL_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Imports every backup in a file, whatever its format (detected from the content): one for an
 * XML, gzip or JSON file, one per entry for a ZIP of XML files, one for an SMS Import/Export ZIP.
 */
export async function importFile(vault: Vault, file: string, options: ImportOptions = {}): Promise<ImportResult[]> {
  const lock = vault.locks.acquire('import');
  try {
    await assertMediaLocationCurrent(vault.db, vault.blobs.location);
    await vault.blobs.beginImport();
    // Before any media look-up: the re-run of an import killed after publishing its pack finds its media there.
    vault.blobs.packs?.adoptUnindexedPacks();
    const tempDir = path.join(vault.dir, 'tmp');
    fs.rmSync(tempDir, { recursive: true, force: true });
    const limits = await inputLimitsOf(vault.config);
    const opened = await openBackup(file, { ...(options.passphrase ? { passphrase: options.passphrase } : {}), tempDir, limits });
    try {
      const results: ImportResult[] = [];
      for (const [index, unit] of opened.units.entries()) {
        options.signal?.throwIfAborted();
        // A worker reopens the file by itself, which it cannot do for a decrypted copy.
        results.push(await importEntry(vault, unit, options, limits, unit.decrypted === true ? undefined : { file, index }));
      }
      return results;
    } finally {
      opened.dispose();
    }
  } finally {
    lock.release();
  }
}

/**
 * Imports units a source produced itself (an IMAP folder), each in its own transaction, under
 * the vault's import lock.
 */
export async function importUnits(vault: Vault, units: BackupUnit[], options: ImportOptions = {}): Promise<ImportResult[]> {
  const lock = vault.locks.acquire('import');
  try {
    await assertMediaLocationCurrent(vault.db, vault.blobs.location);
    await vault.blobs.beginImport();
    vault.blobs.packs?.adoptUnindexedPacks();
    const results: ImportResult[] = [];
    for (const unit of units) {
      options.signal?.throwIfAborted();
      results.push(await importEntry(vault, unit, options, DEFAULT_INPUT_LIMITS));
    }
    return results;
  } finally {
    lock.release();
  }
}

async function importEntry(vault: Vault, entry: BackupUnit, options: ImportOptions, limits: InputLimits, origin?: UnitOrigin): Promise<ImportResult> {
  const started = Date.now();
  const signal = options.signal;
  if (options.force !== true) {
    const known = await findIdenticalBackup(vault, entry);
    if (known !== undefined) return skipped(vault, entry, known, started);
  }
  const regionChoice = await chooseRegion(vault, entry);
  const match = { ...(await vault.config.matchOptions()), ...options.match };
  const phones = new PhoneNormalizer(regionChoice.region);
  const sqlite = vault.store.sqlite;
  const counts: ImportCounts = { read: 0, new: 0, duplicate: 0, updated: 0, rejected: 0, warnings: 0 };
  const kinds = { sms: 0, mms: 0, calls: 0, contacts: 0 };
  const contactWriter = new ContactWriter(sqlite, phones);
  const warnings: ReadWarning[] = [];
  let header: BackupHeader | undefined;
  let writer: ArchiveWriter | undefined;
  let salvageReason: string | undefined;
  let bytesRead = 0;
  let bytesExpanded = 0;
  const settings = identitySettings(formatRegion(regionChoice.region), match);
  const every = options.checkpointEvery ?? CHECKPOINT_EVERY;
  const prefixes = {
    ...(entry.format === 'sbr' && options.force !== true ? { knownPrefixes: await knownCheckpoints(vault, entry.format, settings) } : {}),
    ...(entry.format === 'sbr' && entry.sizeOnDisk >= 2 * every ? { checkpointEvery: every } : {}),
  };
  const checkpoints: StoredCheckpoint[] = [];
  let skippedKnown: SkippedKnown | undefined;

  const sink = blobMediaSink(vault.blobs);
  const minFree = requiredFreeBytes(vault.dir, await minFreeBytes(vault.config));
  /** Set by the progress tick (onBytes must not throw); the next record stops the import. */
  let lowOnDisk = false;
  const fields = entry.fields ?? { sms: smsFields, mms: mmsFields, call: callFields };

  const warn = (w: ReadWarning): void => {
    counts.warnings++;
    if (warnings.length < MAX_KEPT_WARNINGS) warnings.push(w);
  };

  let tx: ImportTransaction | undefined;
  try {
    tx = vault.store.beginImport({ bulk: options.bulkJournal === true && entry.sizeOnDisk >= BULK_JOURNAL_MIN_BYTES });
    if (regionChoice.persist) {
      await vault.config.setRaw('region', regionChoice.persist.region);
      await vault.config.setRaw('region.source', regionChoice.persist.source);
    }
    const backupId = await startBackupRun(vault, entry, regionChoice.explanation, started, options.displayName);

    const onPrepared = (p: PreparedRecord): void => {
      if (lowOnDisk) checkFreeSpace(vault.dir, minFree, entry.name);
      // Records are handed over synchronously, on this thread: a throw here stops the reader.
      signal?.throwIfAborted();
      counts.read++;
      if (writer === undefined) throw new Error('record before header');
      if (p.type === 'reject') {
        counts.rejected++;
        warn(p.warning);
        return;
      }
      if (p.type === 'call') kinds.calls++;
      else kinds[p.kind]++;
      counts[p.type === 'call' ? writer.call(p) : writer.message(p)]++;
    };

    let lastProgress = 0;
    const progress = (): void => {
      options.onProgress?.({ file: entry.name, bytesRead, bytesTotal: entry.sizeOnDisk, bytesExpanded, records: counts.read });
    };
    const onCheckpoint = (c: BodyCheckpoint): void => {
      checkpoints.push({ ...c, backupId, counts: { read: counts.read, rejected: counts.rejected, sms: kinds.sms, mms: kinds.mms, calls: kinds.calls } });
    };
    const onResumed = (c: BodyCheckpoint): void => {
      const { checkpoint, before } = resumedFrom(prefixes.knownPrefixes ?? [], c);
      const known = checkpoint.counts;
      counts.read += known.read;
      counts.rejected += known.rejected;
      counts.duplicate += known.read - known.rejected;
      kinds.sms += known.sms;
      kinds.mms += known.mms;
      kinds.calls += known.calls;
      checkpoints.push(...before);
      skippedKnown = {
        backupId: checkpoint.backupId,
        records: known.read,
        bytes: checkpoint.offset,
        note: `the first ${known.read.toLocaleString('en-US')} records (${(checkpoint.offset / 1e6).toFixed(0)} MB) were the same bytes as backup #${checkpoint.backupId} read: skipped as duplicates, read from there`,
      };
    };
    const onContact = (c: ContactRecord): void => {
      signal?.throwIfAborted();
      counts.read++;
      kinds.contacts++;
      counts[contactWriter.add(c)]++;
    };
    const onBytes = (n: number): void => {
      bytesRead += n;
      const now = Date.now();
      if (now - lastProgress > 100) {
        lastProgress = now;
        lowOnDisk = (freeBytes(vault.dir) ?? minFree) < minFree;
        progress();
      }
    };
    const onExpanded = (n: number): void => {
      bytesExpanded += n;
    };
    const onHeader = (h: BackupHeader): void => {
      header = h;
      writer = new ArchiveWriter(sqlite, vault.search, match, backupId, backupDateOf(h));
    };
    let outcome: ReadOutcome | undefined;
    try {
      if (origin !== undefined && (await readsInWorker(entry, options.untrusted === true ? 'untrusted' : (options.readIn ?? 'auto')))) {
        outcome = await readInWorker(vault.blobs, {
          file: origin.file,
          unitIndex: origin.index,
          region: formatRegion(regionChoice.region),
          salvage: options.salvage === true,
          limits,
          ...prefixes,
          ...(signal === undefined ? {} : { signal }),
          onBytes,
          onExpanded,
          header: onHeader,
          item: (i) => {
            if (i.type === 'warning') warn(i.warning);
            else if (i.type === 'contact') onContact(i.contact);
            else if (i.type === 'checkpoint') onCheckpoint(i.checkpoint);
            else if (i.type === 'resumed') onResumed(i.checkpoint);
            else onPrepared(i);
          },
        });
      } else {
        outcome = await entry.read({
          sink,
          salvage: options.salvage === true,
          ...prefixes,
          onBytes,
          onExpanded,
          handler: {
            header: onHeader,
            record: (r, attrText) => {
              onPrepared(prepareRecord(r, fields, phones, attrText));
            },
            warning: warn,
            contact: onContact,
            checkpoint: onCheckpoint,
            resumed: onResumed,
          },
        });
      }
    } catch (e) {
      if (!(options.salvage === true && e instanceof MalformedBackupError && header !== undefined)) throw e;
      salvageReason = e.message;
    }
    // Also when a salvaging read turned the stop into "damage": nothing of a stopped read is kept.
    signal?.throwIfAborted();
    progress();
    if (header === undefined || writer === undefined) throw new MalformedBackupError(entry.name, 1, 1, 'the file is empty');
    writer.finish();
    contactWriter.finish(backupDateOf(header));
    if (salvageReason === undefined && outcome?.skipped !== undefined) salvageReason = outcome.skipped;
    const digest = outcome !== undefined && salvageReason === undefined ? outcome.digest : { sha256: '', size: bytesRead };
    const status = salvageReason === undefined ? 'complete' : 'partial';
    const notes = [
      ...(salvageReason ? [`salvaged: ${salvageReason}`] : []),
      ...(skippedKnown ? [skippedKnown.note] : []),
      ...warnings.slice(0, 20).map((w) => `${w.line}:${w.column}: ${w.message}`),
    ];
    await finishBackupRun(vault, backupId, { header, digest, status, counts, notes });
    if (status === 'complete' && checkpoints.length > 0) await saveCheckpoints(vault, backupId, settings, checkpoints);
    await options.beforeCommit?.(entry);
    checkFreeSpace(vault.dir, minFree, entry.name);
    // The last moment a stop can still leave the vault as it was.
    signal?.throwIfAborted();
    await vault.blobs.commitStaged();
    tx.commit();
    return {
      file: entry.name,
      format: entry.format,
      content: header.content,
      status,
      backupId,
      counts,
      ...kinds,
      region: formatRegion(regionChoice.region),
      regionNote: regionChoice.explanation,
      warnings,
      ...(salvageReason === undefined ? {} : { salvageReason }),
      ...(skippedKnown === undefined ? {} : { skippedKnown }),
      seconds: (Date.now() - started) / 1000,
    };
  } catch (e) {
    tx?.rollback();
    vault.blobs.discardStaged();
    throw e;
  } finally {
    tx?.end();
  }
}

async function skipped(vault: Vault, entry: BackupUnit, known: KnownBackup, started: number): Promise<ImportResult> {
  const region = (await vault.config.get('region')) ?? '';
  return {
    file: entry.name,
    format: entry.format,
    content: known.content,
    status: 'skipped',
    backupId: known.id,
    counts: { read: known.read, new: 0, duplicate: known.read - known.rejected, updated: 0, rejected: known.rejected, warnings: 0 },
    sms: 0,
    mms: 0,
    calls: 0,
    contacts: 0,
    region,
    regionNote: `the same file (SHA-256 ${known.sha256.slice(0, 12)}…) was imported as backup #${known.id} on ${new Date(known.startedAt).toISOString().slice(0, 10)}; nothing new (use --force to read it again)`,
    warnings: [],
    seconds: (Date.now() - started) / 1000,
  };
}
